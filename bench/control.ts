// Control-plane benchmarks on the embedded database: POST …/coaching latency with 1,000
// live calls stored, and event fan-out to 1,000 WebSocket clients. Each is compared with a
// baseline measured in the same process: the HTTP round trip of GET /health, and a bare
// `ws` broadcast of the same payload to 1,000 clients.
// Run alone: node --import tsx bench/control.ts
import { type IntervalHistogram, monitorEventLoopDelay, performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import WebSocket, { WebSocketServer } from "ws";
import { demoOrg, startServer } from "../test/support/server.ts";
import { seedLiveCalls } from "./seed.ts";
import { summarize } from "./stats.ts";

const LIVE_CALLS = 1000;
const CLIENTS = 1000;

async function connectAll(url: string, n: number, onMessage: (i: number) => void): Promise<WebSocket[]> {
  const sockets: WebSocket[] = [];
  for (let start = 0; start < n; start += 100) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(100, n - start) }, (_, k) => {
        const i = start + k;
        const ws = new WebSocket(url);
        ws.on("message", () => onMessage(i));
        return new Promise<WebSocket>((resolve, reject) => {
          ws.once("open", () => resolve(ws));
          ws.once("error", reject);
        });
      }),
    );
    sockets.push(...batch);
  }
  return sockets;
}

/** Samples the event loop's delay (every 1 ms) until stop(): p50, p99 and max in ms. */
function loopDelay(): { stop(): { p50: number; p99: number; max: number } } {
  const h: IntervalHistogram = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  const ms = (ns: number) => Number((ns / 1e6).toFixed(2));
  return {
    stop() {
      h.disable();
      return { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max) };
    },
  };
}

/** Resolves when every one of `n` clients got a message after `arm()`. */
function fanOutTimer(n: number) {
  let pending = 0;
  let t0 = 0;
  let done: (ms: number) => void = () => {};
  return {
    onMessage: () => {
      if (pending > 0 && --pending === 0) done(performance.now() - t0);
    },
    arm(): Promise<number> {
      pending = n;
      t0 = performance.now();
      return new Promise((resolve) => {
        done = resolve;
      });
    },
  };
}

export async function runControlBench(): Promise<object> {
  // 1,000 sockets of one user from one address: far beyond the per-token cap a real user needs.
  const server = await startServer({
    env: { EARSHOT_WS_MAX_PER_TOKEN: "2000", EARSHOT_WS_MAX_PER_IP: "5000" },
  });
  try {
    const org = await demoOrg(server.url);
    const callIds = await seedLiveCalls(server, org, LIVE_CALLS);
    for (let i = 0; i < 20; i++) await org.admin.get("/health"); // warm-up
    const health: number[] = [];
    let loop = loopDelay();
    for (let i = 0; i < 200; i++) {
      const t = performance.now();
      await org.admin.get("/health");
      health.push(performance.now() - t);
    }
    const healthLoop = loop.stop();
    const start: number[] = [];
    loop = loopDelay();
    for (let i = 0; i < 220; i++) {
      const t = performance.now();
      const r = await org.admin.post<{ session: { id: string } }>(
        `/calls/${callIds[i % LIVE_CALLS]}/coaching`,
        {},
      );
      const ms = performance.now() - t;
      if (r.status !== 201) throw new Error(`coaching start failed: ${JSON.stringify(r.body)}`);
      if (i >= 20) start.push(ms);
      await org.admin.delete(`/coaching-sessions/${r.body.session.id}`);
    }
    const startLoop = loop.stop();

    // Fan-out: 1,000 sockets of monitors; sofia's availability change reaches all of them.
    const timer = fanOutTimer(CLIENTS);
    const sockets = await connectAll(
      `${server.url.replace("http", "ws")}/api/v1/ws?token=${org.admin.token}`,
      CLIENTS,
      timer.onMessage,
    );
    await new Promise((r) => setTimeout(r, 300)); // hello messages drain
    const fanout: number[] = [];
    for (let i = 0; i < 30; i++) {
      const done = timer.arm();
      server.earshot.services.ctx.bus.publish({
        audience: { orgId: org.admin.user?.orgId as string, everyone: true },
        event: { type: "user.updated", user: org.sofia.user as NonNullable<typeof org.sofia.user> },
      });
      fanout.push(await done);
    }
    for (const s of sockets) s.terminate();

    // Baseline: a bare ws server broadcasting the same payload to 1,000 clients.
    const wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
    await new Promise((r) => wss.once("listening", r));
    const port = (wss.address() as { port: number }).port;
    const baseTimer = fanOutTimer(CLIENTS);
    const baseSockets = await connectAll(`ws://127.0.0.1:${port}`, CLIENTS, baseTimer.onMessage);
    const payload = JSON.stringify({ type: "user.updated", user: org.sofia.user });
    const base: number[] = [];
    for (let i = 0; i < 30; i++) {
      const done = baseTimer.arm();
      for (const c of wss.clients) c.send(payload);
      base.push(await done);
    }
    for (const s of baseSockets) s.terminate();
    wss.close();

    return {
      coachingStart: {
        liveCallsInDatabase: LIVE_CALLS,
        database: "embedded PGlite",
        latencyMs: summarize(start),
        baselineHttpRoundTripMs: summarize(health),
        goalP99Ms: 20,
        // How long this process's event loop (the one that forwards media) went without
        // running while the requests were served: the database's work, if it ran here, shows.
        eventLoopStallMs: startLoop,
        baselineEventLoopStallDuringHealthMs: healthLoop,
      },
      eventFanOut: {
        clients: CLIENTS,
        latencyMs: summarize(fanout),
        baselineBareWsBroadcastMs: summarize(base),
        goalP99Ms: 50,
      },
    };
  } finally {
    await server.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  console.log(JSON.stringify(await runControlBench(), null, 2));
}
