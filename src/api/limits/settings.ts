// The abuse limits (SPEC §7) and their defaults, read from the environment. Every default is
// one a busy contact centre does not reach in normal use: a whole office behind one NAT
// address signs in at 9:00, a mobile carrier puts many customers behind one address.

export interface LimitSettings {
  /** false: no rate limits and no socket caps (load tests); the ringing cap stays. */
  enabled: boolean;
  login: {
    /** Failed sign-ins from one client address per window. */
    perIp: number;
    /** Failed sign-ins for one account (email) per window; the long tier allows 3× that in 4 windows. */
    perAccount: number;
    windowMs: number;
  };
  widget: {
    /** Widget calls placed from one client address per window. */
    perIp: number;
    /** Widget calls placed to one number per window, from everywhere. */
    perNumber: number;
    windowMs: number;
  };
  socket: {
    /** Open WebSockets per token (a user's sign-in, or a widget call), on each node. */
    perToken: number;
    /** Open WebSockets per client address, on each node. */
    perIp: number;
    /** Messages a socket may send in a burst, and refilled per second (a token bucket). */
    burst: number;
    perSecond: number;
  };
}

export const DEFAULT_LIMITS: LimitSettings = {
  enabled: true,
  login: { perIp: 100, perAccount: 10, windowMs: 15 * 60_000 },
  widget: { perIp: 10, perNumber: 120, windowMs: 60_000 },
  socket: { perToken: 20, perIp: 1000, burst: 100, perSecond: 20 },
};

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  return n;
}

function enabled(env: Env): boolean {
  const raw = env.EARSHOT_RATE_LIMITS?.toLowerCase();
  if (raw === undefined || raw === "" || ["1", "true", "on", "yes"].includes(raw)) return true;
  if (["0", "false", "off", "no"].includes(raw)) return false;
  throw new Error(`EARSHOT_RATE_LIMITS must be on or off, got "${env.EARSHOT_RATE_LIMITS}"`);
}

/** The limits from the environment; throws an Error naming the variable when one is invalid. */
export function parseLimits(env: Env): LimitSettings {
  const d = DEFAULT_LIMITS;
  return {
    enabled: enabled(env),
    login: {
      perIp: int(env, "EARSHOT_LOGIN_IP_MAX", d.login.perIp, 1, 1_000_000),
      perAccount: int(env, "EARSHOT_LOGIN_ACCOUNT_MAX", d.login.perAccount, 1, 1000),
      windowMs: int(env, "EARSHOT_LOGIN_WINDOW_S", d.login.windowMs / 1000, 1, 86_400) * 1000,
    },
    widget: {
      perIp: int(env, "EARSHOT_WIDGET_IP_MAX", d.widget.perIp, 1, 1_000_000),
      perNumber: int(env, "EARSHOT_WIDGET_NUMBER_MAX", d.widget.perNumber, 1, 1_000_000),
      windowMs: int(env, "EARSHOT_WIDGET_WINDOW_S", d.widget.windowMs / 1000, 1, 86_400) * 1000,
    },
    socket: {
      perToken: int(env, "EARSHOT_WS_MAX_PER_TOKEN", d.socket.perToken, 1, 100_000),
      perIp: int(env, "EARSHOT_WS_MAX_PER_IP", d.socket.perIp, 1, 1_000_000),
      burst: int(env, "EARSHOT_WS_MSG_BURST", d.socket.burst, 1, 100_000),
      perSecond: int(env, "EARSHOT_WS_MSG_PER_S", d.socket.perSecond, 1, 100_000),
    },
  };
}

const ORIGIN = /^https?:\/\/(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*(:\d{1,5})?$/i;

/** EARSHOT_WIDGET_ORIGINS: the origins that may embed the widget page in a frame. */
export function parseWidgetOrigins(raw: string | undefined): string[] {
  const origins = (raw ?? "")
    .split(",")
    .map((s) => s.trim().replace(/\/$/, ""))
    .filter(Boolean);
  const bad = origins.find((o) => !ORIGIN.test(o));
  if (bad !== undefined)
    throw new Error(
      `EARSHOT_WIDGET_ORIGINS must be comma-separated origins like https://shop.example.com, got "${bad}"`,
    );
  return origins;
}
