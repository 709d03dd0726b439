// What the network diagnostic tests and what it concludes, as pure functions (no DOM): which
// TURN kinds are configured, the ICE servers each probe gets, the path this browser will use,
// and what IT must open when none works. probe.ts runs the probes; Diagnostics.tsx shows them.

export interface IceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

export type TurnKind = "turnUdp" | "turnTcp" | "turnTls";
export type Row = "signalling" | "udp" | TurnKind;
export const ROWS: readonly Row[] = ["signalling", "udp", "turnUdp", "turnTcp", "turnTls"];
export const TURN_KINDS: readonly TurnKind[] = ["turnUdp", "turnTcp", "turnTls"];

/** The path the browser's audio will take, best first; "none" when nothing works. */
export type Path = "udp" | "turn-udp" | "turn-tcp" | "turn-tls" | "none";
const PATH_OF: Record<Exclude<Row, "signalling">, Path> = {
  udp: "udp",
  turnUdp: "turn-udp",
  turnTcp: "turn-tcp",
  turnTls: "turn-tls",
};

export type Result = "pending" | "ok" | "fail" | "skip";

export interface TurnUrl {
  kind: TurnKind;
  url: string;
  host: string;
  port: number;
}

const TURN_URL = /^(turns?):(\[[0-9a-fA-F:.]+\]|[^:?\s]+)(?::(\d{1,5}))?(?:\?transport=(udp|tcp))?$/i;

/** A turn:/turns: URL's kind, host and port (RFC 7065 defaults: UDP, 3478; TLS, 5349); null for stun: or junk. */
export function parseTurnUrl(url: string): TurnUrl | null {
  const m = TURN_URL.exec(url.trim());
  if (!m) return null;
  const tls = m[1].toLowerCase() === "turns";
  const kind: TurnKind = tls ? "turnTls" : m[4]?.toLowerCase() === "tcp" ? "turnTcp" : "turnUdp";
  return { kind, url, host: m[2], port: m[3] ? Number(m[3]) : tls ? 5349 : 3478 };
}

/**
 * For each configured TURN kind, the ICE servers of its probe: only that kind's URLs, each
 * with its server's credentials (so a probe tests exactly one way of reaching the relay).
 */
export function probeServers(servers: readonly IceServer[]): Partial<Record<TurnKind, IceServer[]>> {
  const out: Partial<Record<TurnKind, IceServer[]>> = {};
  for (const server of servers) {
    for (const kind of TURN_KINDS) {
      const urls = server.urls.filter((u) => parseTurnUrl(u)?.kind === kind);
      if (urls.length === 0) continue;
      const entry: IceServer = { urls };
      if (server.username !== undefined) entry.username = server.username;
      if (server.credential !== undefined) entry.credential = server.credential;
      out[kind] = [...(out[kind] ?? []), entry];
    }
  }
  return out;
}

/** Every TURN URL of the servers, parsed (what to open when nothing works). */
export function turnUrls(servers: readonly IceServer[]): TurnUrl[] {
  return servers.flatMap((s) => s.urls.map(parseTurnUrl).filter((u): u is TurnUrl => u !== null));
}

/** The best working path: direct UDP, then TURN over UDP, TCP and TLS; "none" when all fail. */
export function choosePath(results: Partial<Record<Row, Result>>): Path {
  for (const row of ["udp", ...TURN_KINDS] as const) if (results[row] === "ok") return PATH_OF[row];
  return "none";
}

export interface Opening {
  what: "https" | "media" | "mediaAny" | TurnKind;
  host: string;
  /** A port ("443") or a range ("40000–40999"); empty for "mediaAny". */
  port: string;
}

export interface OpenFacts {
  /** The page's location: the HTTPS (or HTTP) port signalling uses. */
  location: { protocol: string; hostname: string; port: string };
  /** The UDP range the media plane binds (public config), or null: any port. */
  mediaPorts: { min: number; max: number } | null;
  /** The media plane's addresses, from a probe's answer; empty: the page's host. */
  mediaHosts: readonly string[];
  turn: readonly TurnUrl[];
}

/** What IT must allow from this computer for Earshot's audio to work. */
export function whatToOpen(facts: OpenFacts): Opening[] {
  const { location } = facts;
  const port = location.port || (location.protocol === "https:" ? "443" : "80");
  const out: Opening[] = [{ what: "https", host: location.hostname, port }];
  const hosts = facts.mediaHosts.length > 0 ? facts.mediaHosts : [location.hostname];
  for (const host of new Set(hosts)) {
    out.push(
      facts.mediaPorts
        ? { what: "media", host, port: `${facts.mediaPorts.min}–${facts.mediaPorts.max}` }
        : { what: "mediaAny", host, port: "" },
    );
  }
  const seen = new Set<string>();
  for (const t of facts.turn) {
    const key = `${t.kind} ${t.host} ${t.port}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ what: t.kind, host: t.host, port: String(t.port) });
  }
  return out;
}

/** The addresses of the host candidates in an SDP answer (where the media plane listens). */
export function candidateHosts(sdp: string): string[] {
  const hosts = [...sdp.matchAll(/^a=candidate:\S+ \d+ udp \d+ (\S+) \d+ typ host/gim)].map((m) => m[1]);
  return [...new Set(hosts)];
}
