// What the abuse limits cost (issue 13): sign-in (a success only peeks at its counters, a
// failure also counts) and PATCH /coaching-sessions/:id (no limit of its own: what the hooks
// and headers add to an ordinary request) with the limiter on and off, in the same process
// and interleaved request by request so that the machine's load hits both alike. With Redis installed,
// the same again with every node's counters in Redis (REDIS_URL), against Redis with no limiter.
// Run alone: node --import tsx bench/limits.ts
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import rateLimit from "@fastify/rate-limit";
import Fastify, { type FastifyRequest } from "fastify";
import { connectRedis } from "../src/cluster/redis.ts";
import { liveCall, startCoaching } from "../test/support/calls.ts";
import { Client, demoOrg, startServer, type TestServer } from "../test/support/server.ts";
import { hasRedis, type RunningRedis, startRedis } from "../test/support/services.ts";
import { summarize } from "./stats.ts";

const ROUNDS = 8;
const PATCHES_PER_ROUND = 50;
const LOGINS_PER_ROUND = 15;

interface Target {
  server: TestServer;
  admin: Client;
  sofia: Client;
  sessionId: string;
  samples: { login: number[]; failedLogin: number[]; patch: number[] };
}

async function target(env: Record<string, string>, redisUrl?: string): Promise<Target> {
  const server = await startServer({
    redisUrl,
    // Far above what the bench sends: every request is counted, none is refused.
    env: { EARSHOT_LOGIN_IP_MAX: "1000000", ...env },
  });
  const org = await demoOrg(server.url);
  await org.luis.patch("/me", { availability: "unavailable" });
  const call = await liveCall(org.admin, org.ana, org.support);
  const session = await startCoaching(org.sofia, call.id);
  return {
    server,
    admin: org.admin,
    sofia: org.sofia,
    sessionId: session.id,
    samples: { login: [], failedLogin: [], patch: [] },
  };
}

async function timed(samples: number[], fn: () => Promise<{ status: number }>, expect: number) {
  const t = performance.now();
  const r = await fn();
  samples.push(performance.now() - t);
  if (r.status !== expect) throw new Error(`expected ${expect}, got ${r.status}`);
}

/**
 * One request of each kind on every target in turn (the order rotating), so that each "on"
 * sample has an "off" sample taken a few milliseconds away, under the same load.
 */
async function round(targets: Target[], n: number, record: boolean): Promise<void> {
  const order = targets.map((_, i) => targets[(i + n) % targets.length]);
  const keep = (t: Target, k: keyof Target["samples"]) => (record ? t.samples[k] : []);
  for (let i = 0; i < PATCHES_PER_ROUND; i++) {
    const mode = i % 2 === 0 ? "whisper" : "listen";
    for (const t of order)
      await timed(keep(t, "patch"), () => t.sofia.patch(`/coaching-sessions/${t.sessionId}`, { mode }), 200);
  }
  for (let i = 0; i < LOGINS_PER_ROUND; i++) {
    for (const t of order) {
      const anon = new Client(t.server.url, null, null);
      await timed(
        keep(t, "login"),
        () => anon.post("/auth/login", { email: "admin@demo.test", password: "demo1234" }),
        200,
      );
      // A fresh unknown email each time: its account counter is new, so nothing is refused.
      const email = `nobody-${n}-${i}@demo.test`;
      await timed(keep(t, "failedLogin"), () => anon.post("/auth/login", { email, password: "wrong" }), 401);
    }
  }
}

function compare(off: Target, on: Target) {
  const ratio = (k: keyof Target["samples"], q: "p50" | "p99") =>
    Number((summarize(on.samples[k])[q] / summarize(off.samples[k])[q]).toFixed(2));
  const report = (t: Target) => ({
    loginMs: summarize(t.samples.login),
    failedLoginMs: summarize(t.samples.failedLogin),
    patchCoachingSessionMs: summarize(t.samples.patch),
  });
  return {
    limiterOff: report(off),
    limiterOn: report(on),
    p50OnOverOff: {
      login: ratio("login", "p50"),
      failedLogin: ratio("failedLogin", "p50"),
      patch: ratio("patch", "p50"),
    },
    p99OnOverOff: {
      login: ratio("login", "p99"),
      failedLogin: ratio("failedLogin", "p99"),
      patch: ratio("patch", "p99"),
    },
  };
}

/**
 * What one counter check costs by itself (µs, mean of sequential checks on distinct keys):
 * what a sign-in pays three times, a widget call twice. Far below the request-level noise.
 */
async function checkCostUs(redisUrl?: string): Promise<{ peek: number; count: number }> {
  const app = Fastify();
  const redis = redisUrl ? await connectRedis(redisUrl) : null;
  await app.register(rateLimit, { global: false, ...(redis ? { redis } : {}) });
  await app.ready();
  const check = app.createRateLimit({ max: 10, timeWindow: 60_000, keyGenerator: (r) => r.ip });
  const req = (i: number) =>
    ({ ip: `10.0.${i >> 8}.${i & 255}`, routeOptions: { config: {} } }) as FastifyRequest;
  const time = async (increment: boolean) => {
    const n = 2000;
    const t = performance.now();
    for (let i = 0; i < n; i++) await check(req(i), { increment });
    return Number((((performance.now() - t) / n) * 1000).toFixed(1));
  };
  await time(true); // warm-up
  const result = { peek: await time(false), count: await time(true) };
  redis?.disconnect();
  await app.close();
  return result;
}

export async function runLimiterBench(): Promise<object> {
  let redis: RunningRedis | undefined;
  const targets: Record<string, Target> = {};
  try {
    targets.off = await target({ EARSHOT_RATE_LIMITS: "off" });
    targets.on = await target({});
    if (hasRedis()) {
      redis = await startRedis();
      targets.redisOff = await target({ EARSHOT_RATE_LIMITS: "off" }, redis.url);
      targets.redisOn = await target({}, redis.url);
    }
    const all = Object.values(targets);
    await round(all, 0, false); // warm-up
    for (let n = 1; n <= ROUNDS; n++) await round(all, n, true);
    const costs = {
      inProcess: await checkCostUs(),
      ...(redis ? { redis: await checkCostUs(redis.url) } : {}),
    };
    return {
      database: "embedded PGlite",
      oneCounterCheckUs: costs,
      note: "p99 of each kind of request, limiter on and off, interleaved in the same run",
      inProcessCounters: compare(targets.off, targets.on),
      ...(targets.redisOn
        ? { redisCounters: compare(targets.redisOff, targets.redisOn) }
        : { redisCounters: "redis-server is not installed" }),
    };
  } finally {
    for (const t of Object.values(targets)) await t.server.close();
    await redis?.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  console.log(JSON.stringify(await runLimiterBench(), null, 2));
}
