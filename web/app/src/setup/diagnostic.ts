// The whole network diagnostic as one run: signalling first (the probes travel on it), the
// ICE servers and the media ports meanwhile, then every probe in parallel, then the path this
// browser will use and, when none works, what IT must open. Diagnostics.tsx renders each step.
import {
  type DiagAuth,
  fetchMediaPorts,
  iceServersFor,
  openSignalling,
  type ProbeChannel,
  type ProbeOutcome,
  probePath,
  type Why,
} from "./probe.ts";
import {
  candidateHosts,
  choosePath,
  type IceServer,
  type Opening,
  type Path,
  probeServers,
  type Result,
  ROWS,
  type Row,
  TURN_KINDS,
  turnUrls,
  whatToOpen,
} from "./probePlan.ts";

export interface RowState {
  result: Result;
  why?: Why;
  /** How a passing probe travelled ("host/udp", "relay/tcp", …). */
  via?: string;
}

export interface DiagState {
  rows: Record<Row, RowState>;
  /** null while the check runs. */
  path: Path | null;
  /** What to open when no path works (empty otherwise). */
  openings: Opening[];
  /** Whether the server gave any TURN URL. */
  turnConfigured: boolean;
}

export function pendingState(): DiagState {
  const rows = Object.fromEntries(ROWS.map((r) => [r, { result: "pending" }])) as Record<Row, RowState>;
  return { rows, path: null, openings: [], turnConfigured: false };
}

const outcome = (o: ProbeOutcome): RowState =>
  o.ok ? { result: "ok", via: o.via } : { result: "fail", why: o.why };

export async function runDiagnostic(auth: DiagAuth, update: (s: DiagState) => void): Promise<DiagState> {
  let state = pendingState();
  const set = (patch: Partial<DiagState>, rows: Partial<Record<Row, RowState>> = {}) => {
    state = { ...state, ...patch, rows: { ...state.rows, ...rows } };
    update(state);
  };
  const servers = iceServersFor(auth).then(
    (list): IceServer[] | Error => list,
    (e: Error) => e,
  );
  const mediaPorts = fetchMediaPorts().catch((e: Error) => {
    console.warn("network check: no media ports from /api/v1/config:", e.message);
    return null;
  });
  let own: (ProbeChannel & { close(): void }) | null = null;
  let channel: ProbeChannel | null = null;
  try {
    own = "token" in auth ? await openSignalling(auth.token) : null;
    channel = own ?? ("channel" in auth ? auth.channel : null);
    set({}, { signalling: { result: "ok" } });
  } catch (e) {
    console.warn("network check: signalling failed:", (e as Error).message);
    set({}, { signalling: { result: "fail", why: { key: "noSignalling" } } });
  }
  const iceServers = await servers;
  const perKind = iceServers instanceof Error ? {} : probeServers(iceServers);
  const answers: string[] = [];
  const probe = async (row: Row, list: IceServer[], policy: RTCIceTransportPolicy) => {
    if (!channel) return set({}, { [row]: { result: "fail", why: { key: "needsSignalling" } } });
    const o = await probePath(channel, list, policy).catch(
      (e: Error): ProbeOutcome => ({ ok: false, why: { key: "refused", vars: { why: e.message } } }),
    );
    if (o.answerSdp) answers.push(o.answerSdp);
    set({}, { [row]: outcome(o) });
  };
  await Promise.all([
    probe("udp", [], "all"),
    ...TURN_KINDS.map(async (kind) => {
      if (iceServers instanceof Error) {
        const why: Why = { key: "noServers", vars: { why: iceServers.message } };
        return set({}, { [kind]: { result: "fail", why } });
      }
      const list = perKind[kind];
      if (!list) return set({}, { [kind]: { result: "skip" } });
      return probe(kind, list, "relay");
    }),
  ]);
  own?.close();
  const turn = iceServers instanceof Error ? [] : turnUrls(iceServers);
  const path = choosePath(Object.fromEntries(ROWS.map((r) => [r, state.rows[r].result])));
  const openings =
    path === "none"
      ? whatToOpen({
          location: { protocol: location.protocol, hostname: location.hostname, port: location.port },
          mediaPorts: await mediaPorts,
          mediaHosts: answers.flatMap(candidateHosts),
          turn,
        })
      : [];
  set({ path, openings, turnConfigured: turn.length > 0 });
  return state;
}
