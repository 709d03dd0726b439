// Configuration from the environment. Invalid configuration is one clear line and a
// non-zero exit, never a half-started server.
import { resolve } from "node:path";

export interface Config {
  port: number;
  host: string;
  /** postgres://… or undefined for the embedded database. */
  databaseUrl: string | undefined;
  dataDir: string;
  /** redis://… for cross-node events, or undefined for in-process events. */
  redisUrl: string | undefined;
  demo: boolean;
  emergencyNumbers: string[];
  /** Signs widget call tokens; must be the same on every node. */
  secret: string | undefined;
  /** Public address the media plane announces in ICE candidates. */
  mediaHost: string;
  logLevel: string;
  demoAnswerDelayMs: number;
  /** The SIP trunk, when SIP_TRUNK_CARRIER is set; otherwise the demo network. */
  sip: SipConfig | null;
}

export interface SipConfig {
  listenAddress: string;
  listenPort: number;
  carrierAddress: string;
  carrierPort: number;
  username?: string;
  password?: string;
  allow: string[];
  mediaAddress: string;
  /** The UDP port range trunk RTP uses (what to open toward the carrier). */
  rtpPortMin: number;
  rtpPortMax: number;
}

function hostPort(env: NodeJS.ProcessEnv, name: string, fallback: string): [string, number] {
  const raw = env[name] || fallback;
  const m = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(raw);
  if (!m || Number(m[2]) > 65535)
    throw new ConfigError(`${name} must be IPv4:port, e.g. 203.0.113.10:5060, got "${raw}"`);
  return [m[1], Number(m[2])];
}

function sipConfig(env: NodeJS.ProcessEnv): SipConfig | null {
  if (!env.SIP_TRUNK_CARRIER) return null;
  const [carrierAddress, carrierPort] = hostPort(env, "SIP_TRUNK_CARRIER", "");
  const [listenAddress, listenPort] = hostPort(env, "SIP_TRUNK_LISTEN", "0.0.0.0:5060");
  const allow = (env.SIP_TRUNK_ALLOW ?? carrierAddress)
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (allow.some((a) => !/^\d{1,3}(\.\d{1,3}){3}$/.test(a)))
    throw new ConfigError("SIP_TRUNK_ALLOW must be a comma-separated list of IPv4 addresses");
  const range = /^(\d{1,5})-(\d{1,5})$/.exec(env.SIP_TRUNK_RTP_PORTS || "20000-20999");
  const [rtpPortMin, rtpPortMax] = range ? [Number(range[1]), Number(range[2])] : [0, -1];
  if (rtpPortMin < 1024 || rtpPortMax > 65535 || rtpPortMin > rtpPortMax) {
    throw new ConfigError(
      `SIP_TRUNK_RTP_PORTS must be a range like 20000-20999, got "${env.SIP_TRUNK_RTP_PORTS}"`,
    );
  }
  return {
    rtpPortMin,
    rtpPortMax,
    listenAddress,
    listenPort,
    carrierAddress,
    carrierPort,
    username: env.SIP_TRUNK_USERNAME || undefined,
    password: env.SIP_TRUNK_PASSWORD || undefined,
    allow,
    mediaAddress: env.SIP_TRUNK_MEDIA_ADDRESS || (listenAddress === "0.0.0.0" ? "127.0.0.1" : listenAddress),
  };
}

export class ConfigError extends Error {}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return n;
}

function bool(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.toLowerCase();
  if (raw === undefined || raw === "") return fallback;
  if (["1", "true", "yes", "on"].includes(raw)) return true;
  if (["0", "false", "no", "off"].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${env[name]}"`);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError(
      "DATABASE_URL must start with postgres:// (leave it unset for the embedded database)",
    );
  }
  const redisUrl = env.REDIS_URL || undefined;
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl))
    throw new ConfigError("REDIS_URL must start with redis://");
  const emergency = (env.EARSHOT_EMERGENCY_NUMBERS ?? "112,911,999")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (emergency.some((n) => !/^[0-9+*#]{2,15}$/.test(n))) {
    throw new ConfigError("EARSHOT_EMERGENCY_NUMBERS must be a comma-separated list of dialable numbers");
  }
  return {
    port: int(env, "PORT", 3000, 0, 65535),
    host: env.HOST || "0.0.0.0",
    databaseUrl,
    // "memory://" keeps the embedded database in memory (tests, throw-away demos).
    dataDir: env.EARSHOT_DATA_DIR?.startsWith("memory://")
      ? "memory://"
      : resolve(env.EARSHOT_DATA_DIR || "./data"),
    redisUrl,
    demo: bool(env, "EARSHOT_DEMO", !databaseUrl),
    emergencyNumbers: emergency,
    secret: env.EARSHOT_SECRET || undefined,
    mediaHost: env.EARSHOT_MEDIA_HOST || "127.0.0.1",
    logLevel: env.LOG_LEVEL || "info",
    demoAnswerDelayMs: int(env, "EARSHOT_DEMO_ANSWER_DELAY_MS", 1500, 0, 60_000),
    sip: sipConfig(env),
  };
}
