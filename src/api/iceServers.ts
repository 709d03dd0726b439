// ICE servers for browsers (SPEC §4): STUN and TURN URLs from the configuration, with
// short-lived TURN credentials in the TURN REST API scheme that coturn implements with
// `use-auth-secret` / `static-auth-secret`: username "<unix expiry>:<id>", credential
// base64(HMAC-SHA1(secret, username)). Minted per user or per widget call on request;
// never in the public configuration, never in a log line.
import { createHmac } from "node:crypto";

export interface IceConfig {
  stunUrls: string[];
  turnUrls: string[];
  /** coturn's static-auth-secret; required when turnUrls is not empty. */
  turnSecret: string | undefined;
  turnTtlS: number;
}

export interface IceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

export interface IceServers {
  iceServers: IceServer[];
  /** When the TURN credentials stop working (ISO 8601); null when none are given. */
  expiresAt: string | null;
}

export const NO_ICE_SERVERS: IceConfig = {
  stunUrls: [],
  turnUrls: [],
  turnSecret: undefined,
  turnTtlS: 3600,
};

/** The TURN REST API credential of a username. */
export function turnCredential(secret: string, username: string): string {
  return createHmac("sha1", secret).update(username).digest("base64");
}

/** Fresh ICE servers for `id` (a user id or a widget call id), valid for the configured TTL. */
export function mintIceServers(config: IceConfig, id: string, now: Date = new Date()): IceServers {
  const iceServers: IceServer[] = [];
  if (config.stunUrls.length > 0) iceServers.push({ urls: [...config.stunUrls] });
  if (config.turnUrls.length === 0 || !config.turnSecret) return { iceServers, expiresAt: null };
  const expiry = Math.floor(now.getTime() / 1000) + config.turnTtlS;
  const username = `${expiry}:${id}`;
  iceServers.push({
    urls: [...config.turnUrls],
    username,
    credential: turnCredential(config.turnSecret, username),
  });
  return { iceServers, expiresAt: new Date(expiry * 1000).toISOString() };
}

const URL_SHAPE =
  /^(stun|turn|turns):(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?(\?transport=(udp|tcp))?$/;

/** Parses a comma-separated list of ICE server URLs of the given schemes; throws a sentence. */
export function parseIceUrls(raw: string | undefined, name: string, schemes: string[]): string[] {
  const urls = (raw ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const url of urls) {
    const m = URL_SHAPE.exec(url);
    if (!m || !schemes.includes(m[1]) || (m[3] && Number(m[3].slice(1)) > 65535)) {
      throw new Error(
        `${name} must be comma-separated ${schemes.map((s) => `${s}:`).join(" / ")} URLs like ${schemes[0]}:turn.example.com:3478, got "${url}"`,
      );
    }
    if (m[1] === "stun" && m[4]) throw new Error(`${name}: a stun: URL takes no ?transport, got "${url}"`);
  }
  return urls;
}
