// The abuse limits of the HTTP API and the WebSocket channel, wired in one call (SPEC §7):
// see http.ts (sign-in, widget calls) and sockets.ts (open sockets, messages, protocol errors).
// The cap on a number's ringing calls is a rule of the control plane (Calls.inbound).
import type { FastifyInstance } from "fastify";
import { connectRedis } from "../../cluster/redis.ts";
import { registerHttpLimits } from "./http.ts";
import type { LimitSettings } from "./settings.ts";
import { registerSocketLimits } from "./sockets.ts";

export { type LimitSettings, parseLimits, parseWidgetOrigins } from "./settings.ts";
export { FLOOD_CLOSE, socketErrorHandler } from "./sockets.ts";

export interface LimitOptions {
  settings: LimitSettings;
  /** redis://… in a cluster: the rate counters are shared by every node. */
  redisUrl?: string;
}

/** Registers every limit; call it before the routes are registered. */
export async function registerLimits(app: FastifyInstance, opts: LimitOptions): Promise<void> {
  registerSocketLimits(app, opts.settings);
  const redis = opts.settings.enabled && opts.redisUrl ? await connectRedis(opts.redisUrl) : null;
  if (redis) app.addHook("onClose", async () => redis.disconnect());
  await registerHttpLimits(app, { settings: opts.settings, redis });
}
