// Rate limits on the public entry points (SPEC §7), counted by @fastify/rate-limit: sign-in
// per client address and per account, widget calls per client address and per number. With
// REDIS_URL the counters live in Redis, so every node counts the same; otherwise in this
// process. A route opts in with `config: { limit: "login" | "widgetCall" }`.
import { createHash } from "node:crypto";
import rateLimit, { normalizeIP } from "@fastify/rate-limit";
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from "fastify";
import type { Redis } from "ioredis";
import { EarshotError } from "../../control/errors.ts";
import type { LimitSettings } from "./settings.ts";

declare module "fastify" {
  interface FastifyContextConfig {
    /** Which abuse limit guards this route (src/api/limits). */
    limit?: "login" | "widgetCall" | "socket";
  }
}

type Check = ReturnType<FastifyInstance["createRateLimit"]>;

/** One counter: `check` counts (or peeks at) the request's key; `says` explains a refusal. */
interface Limiter {
  check: Check;
  says: string;
}

/** A refusal: how long until the counter lets the request through, and why; null: allowed. */
type Verdict = { retryAfterS: number; says: string } | null;

export interface HttpLimitOptions {
  settings: LimitSettings;
  /** The counters' store in a cluster; null keeps them in this process. */
  redis: Redis | null;
}

/** Personal data (an email) never becomes a key in Redis or in memory as it is. */
const digest = (s: string) => createHash("sha256").update(s).digest("base64url").slice(0, 22);
const clientIp = (req: FastifyRequest) => normalizeIP(req.ip);
const bodyField = (req: FastifyRequest, field: string) =>
  String((req.body as Record<string, unknown> | undefined)?.[field] ?? "")
    .trim()
    .toLowerCase();

/** Registers the counters and the route hooks. Before the routes, so that onRoute sees them. */
export async function registerHttpLimits(app: FastifyInstance, opts: HttpLimitOptions): Promise<void> {
  const { settings } = opts;
  if (!settings.enabled) return;
  await app.register(rateLimit, {
    global: false,
    nameSpace: "earshot:limit:",
    // A store failure reaches us (and is logged below), never silently skipped.
    skipOnError: false,
    ...(opts.redis ? { redis: opts.redis } : {}),
  });
  const limiter = (
    name: string,
    max: number,
    timeWindow: number,
    key: (req: FastifyRequest) => string,
    says: string,
  ): Limiter => ({
    check: app.createRateLimit({ max, timeWindow, keyGenerator: (req) => `${name}:${key(req)}` }),
    says,
  });
  const { login, widget } = settings;
  const account = (req: FastifyRequest) => digest(bodyField(req, "email"));
  const loginLimiters = [
    limiter(
      "login-ip",
      login.perIp,
      login.windowMs,
      clientIp,
      "Too many failed sign-ins from your network; try again later.",
    ),
    // The delay grows: after perAccount failures the account waits out the window; after
    // three times as many within four windows, it waits out those. Never longer.
    limiter(
      "login-account",
      login.perAccount,
      login.windowMs,
      account,
      "Too many failed sign-ins for this account; try again later.",
    ),
    limiter(
      "login-account-long",
      login.perAccount * 3,
      login.windowMs * 4,
      account,
      "Too many failed sign-ins for this account; try again later.",
    ),
  ];
  const widgetIp = limiter(
    "widget-ip",
    widget.perIp,
    widget.windowMs,
    clientIp,
    "Too many calls from your network; try again in a minute.",
  );
  const widgetNumber = limiter(
    "widget-number",
    widget.perNumber,
    widget.windowMs,
    (req) => bodyField(req, "numberId"),
    "This number is taking too many web calls right now; try again in a minute.",
  );

  let lastStoreWarning = 0;
  /** Counts the request on `l` (or only looks, `increment: false`); a store failure lets it through. */
  const judge = async (l: Limiter, req: FastifyRequest, increment: boolean): Promise<Verdict> => {
    try {
      const r = await l.check(req, { increment });
      if (r.isAllowed) return null;
      // A peek refuses once the allowance is used up; a count refuses the request past it.
      const over = increment ? r.isExceeded : r.remaining <= 0;
      return over ? { retryAfterS: Math.max(1, r.ttlInSeconds), says: l.says } : null;
    } catch (e) {
      // Availability over strictness: Redis away must not stop every sign-in and call.
      if (Date.now() - lastStoreWarning > 10_000) {
        lastStoreWarning = Date.now();
        req.log.warn({ err: (e as Error).message }, "rate limit store unavailable; requests are not limited");
      }
      return null;
    }
  };
  const refuse = (reply: FastifyReply, verdicts: Verdict[]): void => {
    const worst = verdicts
      .filter((v): v is NonNullable<Verdict> => v !== null)
      .sort((a, b) => b.retryAfterS - a.retryAfterS)[0];
    if (!worst) return;
    reply.header("retry-after", String(worst.retryAfterS));
    throw new EarshotError("rate_limited", worst.says);
  };

  const hooks: Record<string, Partial<Pick<RouteOptions, "preHandler" | "onError">>> = {
    // Only failures count: a whole office signing in at once spends nothing. Checked before
    // the password (scrypt), so a refused flood costs no CPU.
    login: {
      preHandler: async (req, reply) =>
        refuse(reply, await Promise.all(loginLimiters.map((l) => judge(l, req, false)))),
      onError: async (req, _reply, err) => {
        if (err instanceof EarshotError && err.code === "invalid_credentials")
          await Promise.all(loginLimiters.map((l) => judge(l, req, true)));
      },
    },
    widgetCall: {
      preHandler: async (req, reply) => {
        refuse(reply, [await judge(widgetIp, req, true)]);
        refuse(reply, [await judge(widgetNumber, req, true)]);
      },
    },
  };
  app.addHook("onRoute", (route) => {
    const wanted = route.config?.limit ? hooks[route.config.limit] : undefined;
    if (!wanted) return;
    for (const [name, fn] of Object.entries(wanted)) addRouteHook(route, name as "preHandler", fn);
  });
}

/** Appends a hook to one route's own hooks (what @fastify/rate-limit itself does for its routes). */
export function addRouteHook(
  route: RouteOptions,
  name: "preHandler" | "onError" | "onRequest",
  fn: unknown,
): void {
  const existing = route[name] as unknown;
  const list = Array.isArray(existing) ? existing : existing ? [existing] : [];
  (route as unknown as Record<string, unknown[]>)[name] = [...list, fn];
}
