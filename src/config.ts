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
  };
}
