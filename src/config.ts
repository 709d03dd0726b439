// Configuration from the environment. Invalid configuration is one clear line and a
// non-zero exit, never a half-started server.

import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { createSecureContext } from "node:tls";
import { type IceConfig, parseIceUrls } from "./api/iceServers.ts";
import { type LimitSettings, parseLimits, parseWidgetOrigins } from "./api/limits/settings.ts";
import type { SipTrunkSettings } from "./telephony/sip/settings.ts";

export interface Config {
  port: number;
  host: string;
  /** postgres://… or undefined for the embedded database. */
  databaseUrl: string | undefined;
  dataDir: string;
  /** redis://… for cross-node events, or undefined for in-process events. */
  redisUrl: string | undefined;
  /** Seed the demo org (its passwords are public): by default only embedded DB + loopback HOST. */
  demo: boolean;
  emergencyNumbers: string[];
  /** Signs widget call tokens and seals webhook secrets; must be the same on every node. */
  secret: string | undefined;
  /** Webhooks may reach loopback and private addresses (on-premises receivers). */
  webhookAllowPrivate: boolean;
  /** The addresses the media plane announces in its ICE candidates (local or 1:1-NAT public);
   * undefined: every IPv4 address of the machine, loopback included. */
  mediaHosts: string[] | undefined;
  /** The UDP port range the media plane binds for ICE, or undefined for any free port. */
  mediaPorts: [number, number] | undefined;
  /** How long a browser leg that lost its network path waits for an ICE restart (ms). */
  mediaReconnectGraceMs: number;
  /** Worker threads the media plane runs in (EARSHOT_MEDIA_WORKERS; default cores − 1, at least 1); 0: in the main thread. */
  mediaWorkers: number;
  /** How long an agent may have no socket open (a reload) before their call returns to its queue (ms). */
  agentReconnectGraceMs: number;
  /** STUN/TURN servers for browsers (and STUN for the media plane). */
  ice: IceConfig;
  /** Certificate and key (PEM) when the server itself serves HTTPS and WSS. */
  tls: { cert: Buffer; key: Buffer } | null;
  /**
   * Behind a TLS-terminating proxy: which X-Forwarded-For / -Proto entries to believe. A number
   * of proxy hops in front of Earshot (1: the address the nearest proxy appended, never one the
   * client wrote), or the proxies' addresses/CIDRs; false: none.
   */
  trustProxy: false | number | string[];
  logLevel: string;
  demoAnswerDelayMs: number;
  /** The SIP trunk, when SIP_TRUNK_CARRIER is set; otherwise the demo network. */
  sip: SipConfig | null;
  /** Abuse limits: sign-in, widget calls, WebSockets (src/api/limits). */
  limits: LimitSettings;
  /** Inbound calls a number may have ringing at once; the next caller is refused (number_busy). */
  maxRingingPerNumber: number;
  /** The live board: the zone whose midnight starts "today", the service level threshold, wrap-up. */
  board: { timeZone: string; serviceLevelMs: number; wrapUpMs: number };
  /** Origins that may embed the widget page in a frame. */
  widgetOrigins: string[];
}

/** SIP_TRUNK_*, as the trunk takes them. */
export type SipConfig = SipTrunkSettings;

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

/** An IANA time zone Intl knows (default UTC). */
function timeZone(value: string | undefined): string {
  const zone = value?.trim() || "UTC";
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
  } catch {
    throw new Error(`EARSHOT_STATS_TIME_ZONE: ${zone} is not a time zone (e.g. UTC, Europe/Madrid)`);
  }
  return zone;
}

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

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

function portRange(env: NodeJS.ProcessEnv, name: string): [number, number] | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  const m = /^(\d{1,5})-(\d{1,5})$/.exec(raw.trim());
  const [min, max] = m ? [Number(m[1]), Number(m[2])] : [0, -1];
  if (min < 1024 || max > 65535 || min >= max) {
    throw new ConfigError(
      `${name} must be a UDP port range like 40000-40999 (1024–65535, first < last), got "${raw}"`,
    );
  }
  return [min, max];
}

function mediaHosts(env: NodeJS.ProcessEnv): string[] | undefined {
  if (!env.EARSHOT_MEDIA_HOST) return undefined;
  const hosts = env.EARSHOT_MEDIA_HOST.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (hosts.length === 0 || hosts.some((h) => !IPV4.test(h) || h.split(".").some((o) => Number(o) > 255))) {
    throw new ConfigError(
      `EARSHOT_MEDIA_HOST must be comma-separated IPv4 addresses browsers can reach, e.g. 203.0.113.10, got "${env.EARSHOT_MEDIA_HOST}"`,
    );
  }
  return hosts;
}

function iceConfig(env: NodeJS.ProcessEnv): IceConfig {
  try {
    const stunUrls = parseIceUrls(env.EARSHOT_STUN_URLS, "EARSHOT_STUN_URLS", ["stun"]);
    const turnUrls = parseIceUrls(env.EARSHOT_TURN_URLS, "EARSHOT_TURN_URLS", ["turn", "turns"]);
    const turnSecret = env.EARSHOT_TURN_SECRET || undefined;
    if (turnUrls.length > 0 && !turnSecret) {
      throw new Error("EARSHOT_TURN_URLS needs EARSHOT_TURN_SECRET (coturn's static-auth-secret)");
    }
    return { stunUrls, turnUrls, turnSecret, turnTtlS: int(env, "EARSHOT_TURN_TTL_S", 3600, 60, 7 * 86400) };
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError((e as Error).message);
  }
}

function trustProxy(raw: string | undefined): Config["trustProxy"] {
  const v = (raw ?? "").trim().toLowerCase();
  if (["", "0", "false", "no", "off"].includes(v)) return false;
  if (["true", "yes", "on"].includes(v)) return 1;
  if (/^\d{1,2}$/.test(v)) return Number(v);
  const list = v.split(",").map((s) => s.trim());
  if (list.every((a) => /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-f:]+)(\/\d{1,3})?$/.test(a))) return list;
  throw new ConfigError(
    `EARSHOT_TRUST_PROXY must be a number of proxy hops (1 for one proxy) or the proxies' addresses/CIDRs, got "${raw}"`,
  );
}

function readPem(env: NodeJS.ProcessEnv, name: string): Buffer {
  try {
    return readFileSync(String(env[name]));
  } catch (e) {
    throw new ConfigError(
      `${name}: cannot read "${env[name]}": ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
}

function tlsConfig(env: NodeJS.ProcessEnv): Config["tls"] {
  const { EARSHOT_TLS_CERT: cert, EARSHOT_TLS_KEY: key } = env;
  if (!cert && !key) return null;
  if (!cert || !key)
    throw new ConfigError("EARSHOT_TLS_CERT and EARSHOT_TLS_KEY must be set together (PEM file paths)");
  const pair = { cert: readPem(env, "EARSHOT_TLS_CERT"), key: readPem(env, "EARSHOT_TLS_KEY") };
  try {
    createSecureContext(pair);
  } catch (e) {
    throw new ConfigError(
      `EARSHOT_TLS_CERT / EARSHOT_TLS_KEY are not a PEM certificate and its private key: ${(e as Error).message}`,
    );
  }
  return pair;
}

/** Loopback addresses: a server bound there is reachable from this machine only. */
export function isLoopbackHost(host: string): boolean {
  return ["127.0.0.1", "::1", "[::1]", "localhost"].includes(host.toLowerCase()) || /^127\./.test(host);
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
  const host = env.HOST || "127.0.0.1";
  const proxies = trustProxy(env.EARSHOT_TRUST_PROXY);
  return {
    port: int(env, "PORT", 3000, 0, 65535),
    host,
    databaseUrl,
    // "memory://" keeps the embedded database in memory (tests, throw-away demos).
    dataDir: env.EARSHOT_DATA_DIR?.startsWith("memory://")
      ? "memory://"
      : resolve(env.EARSHOT_DATA_DIR || "./data"),
    redisUrl,
    // Demo passwords are public: on by itself only where nobody else can reach the server
    // (embedded database, loopback, no proxy in front); anywhere else only when asked for.
    demo: bool(env, "EARSHOT_DEMO", !databaseUrl && isLoopbackHost(host) && proxies === false),
    emergencyNumbers: emergency,
    secret: env.EARSHOT_SECRET || undefined,
    webhookAllowPrivate: bool(env, "EARSHOT_WEBHOOK_ALLOW_PRIVATE", false),
    mediaHosts: mediaHosts(env),
    mediaPorts: portRange(env, "EARSHOT_MEDIA_PORTS"),
    mediaReconnectGraceMs: int(env, "EARSHOT_MEDIA_RECONNECT_GRACE_S", 30, 1, 3600) * 1000,
    // Default: every core but the one the control plane, the API and the database share.
    mediaWorkers: int(env, "EARSHOT_MEDIA_WORKERS", Math.max(1, availableParallelism() - 1), 0, 256),
    agentReconnectGraceMs: int(env, "EARSHOT_AGENT_RECONNECT_GRACE_S", 10, 1, 600) * 1000,
    ice: iceConfig(env),
    tls: tlsConfig(env),
    trustProxy: proxies,
    logLevel: env.LOG_LEVEL || "info",
    demoAnswerDelayMs: int(env, "EARSHOT_DEMO_ANSWER_DELAY_MS", 1500, 0, 60_000),
    sip: sipConfig(env),
    limits: wrapped(() => parseLimits(env)),
    maxRingingPerNumber: int(env, "EARSHOT_MAX_RINGING_PER_NUMBER", 20, 1, 100_000),
    board: {
      timeZone: wrapped(() => timeZone(env.EARSHOT_STATS_TIME_ZONE)),
      serviceLevelMs: int(env, "EARSHOT_SERVICE_LEVEL_S", 20, 1, 3600) * 1000,
      wrapUpMs: int(env, "EARSHOT_WRAP_UP_S", 0, 0, 3600) * 1000,
    },
    widgetOrigins: wrapped(() => parseWidgetOrigins(env.EARSHOT_WIDGET_ORIGINS)),
  };
}

function wrapped<T>(parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
}
