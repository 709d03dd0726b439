// Live Monitoring's render time in Chromium (the production build): sign in as sofia, open
// /monitoring and time until the Calls list shows every live call, first with the demo org's
// zero live calls (the same run's baseline), then with 1,000 seeded ones (seed.ts). With the
// 1,000 shown it also records the main thread's long tasks over 5 s: the page's one shared
// tick (shared/clock.ts) re-renders the durations every second, and that must stay short.
// In the same run, the board's update latency (boardUpdates.ts): one socket and one live call,
// then 1,000 live calls and 200 supervisors' sockets (the page's among them); and the cost of
// computing the board (GET /stats/live, which stats.updated pushes) in the empty org and with
// 1,000 live calls and a day's ended calls.
// Run alone: node --import tsx bench/monitoring.ts
import { execFileSync } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium, type Page } from "playwright-core";
import { LiveBoard } from "../src/control/liveStats.ts";
import { CHROMIUM, CHROMIUM_ARGS } from "../test/support/browser.ts";
import { demoOrg, startServer, type TestServer } from "../test/support/server.ts";
import { instrument, measureUpdates, startClients } from "./boardUpdates.ts";
import { seedEndedCalls, seedLiveCalls, seedSupervisors } from "./seed.ts";
import { summarize } from "./stats.ts";

const LIVE_CALLS = 1000;
const RUNS = 6;
/** Supervisors with Live Monitoring open: the page and 199 sockets. */
const SUPERVISORS = 200;
const UPDATE_REPS = 20;
/** A day's ended calls beside 1,000 live ones: 1,000 agents, 6-minute calls, 8 hours. */
const ENDED_CALLS = 80_000;

/**
 * ms from navigation start until the Calls list shows `rows` rows (0: its empty message), and
 * until the last API response of the page's first reads arrived (the server's share of it).
 */
async function renderMs(page: Page, url: string, rows: number): Promise<{ shown: number; api: number }> {
  await page.goto(`${url}/monitoring`);
  const handle = await page.waitForFunction(
    (n) => {
      const panel = document.getElementById("panel-calls");
      const ready = n === 0 ? !!panel?.querySelector("p") : panel?.querySelectorAll("tbody tr").length === n;
      if (!ready) return false;
      const api = performance
        .getEntriesByType("resource")
        .filter((e) => e.name.includes("/api/v1/"))
        .map((e) => (e as PerformanceResourceTiming).responseEnd);
      return { shown: performance.now(), api: Math.max(0, ...api) };
    },
    rows,
    { polling: "raf", timeout: 60_000 },
  );
  return (await handle.jsonValue()) as { shown: number; api: number };
}

async function longTasks(page: Page, ms: number): Promise<{ count: number; totalMs: number; maxMs: number }> {
  return page.evaluate(
    (window) =>
      new Promise((resolve) => {
        const durations: number[] = [];
        const observer = new PerformanceObserver((list) => {
          for (const e of list.getEntries()) durations.push(e.duration);
        });
        observer.observe({ type: "longtask" });
        setTimeout(() => {
          observer.disconnect();
          resolve({
            count: durations.length,
            totalMs: Math.round(durations.reduce((a, b) => a + b, 0)),
            maxMs: Math.round(Math.max(0, ...durations)),
          });
        }, window);
      }),
    ms,
  );
}

const t0 = Date.now();
const step = (what: string) =>
  process.stderr.write(`monitoring: ${what} (${Math.round((Date.now() - t0) / 1000)} s)\n`);

/**
 * GET /stats/live as sofia (the HTTP round trip) and LiveBoard.compute (what a push costs), in ms;
 * first, one compute in a new LiveBoard: a node's first of the day, which reads the whole day.
 */
async function boardCost(server: TestServer, org: Awaited<ReturnType<typeof demoOrg>>) {
  const { board, ctx } = server.earshot.services;
  const orgId = org.sofia.user?.orgId as string;
  const t0 = performance.now();
  await new LiveBoard(ctx, board.settings).compute(orgId);
  const firstComputeMs = Math.round((performance.now() - t0) * 10) / 10;
  const http: number[] = [];
  const compute: number[] = [];
  for (let i = 0; i < 60; i++) {
    let t = performance.now();
    // After a long pause the server may have closed the kept-alive connection: once more.
    const r = await org.sofia.get("/stats/live").catch(() => org.sofia.get("/stats/live"));
    if (r.status !== 200) throw new Error(`GET /stats/live: ${JSON.stringify(r.body)}`);
    if (i >= 10) http.push(performance.now() - t);
    t = performance.now();
    await board.compute(orgId);
    if (i >= 10) compute.push(performance.now() - t);
  }
  return { firstComputeMs, getStatsLiveMs: summarize(http), computeMs: summarize(compute) };
}

/**
 * Times the server's delivery of each call.updated: the bus is synchronous, so publish()
 * returns once every socket's copy was built and written (api/ws.ts). take() empties the list.
 */
function timeCallDelivery(server: TestServer) {
  const { bus } = server.earshot.services.ctx;
  const publish = bus.publish.bind(bus);
  let samples: number[] = [];
  bus.publish = (e) => {
    const t = performance.now();
    publish(e);
    if (e.event.type === "call.updated") samples.push(performance.now() - t);
  };
  return {
    take() {
      const out = summarize(samples);
      samples = [];
      return out;
    },
  };
}

/** A page's reads on load and on each reconnect (shared/live.ts refetch): its four lists as sofia, together. */
async function pageReadsCost(org: Awaited<ReturnType<typeof demoOrg>>) {
  const ms: number[] = [];
  for (let i = 0; i < 12; i++) {
    const t = performance.now();
    await Promise.all(["/me", "/users", "/calls?live=true", "/numbers"].map((p) => org.sofia.get(p)));
    if (i >= 2) ms.push(performance.now() - t);
  }
  return summarize(ms);
}

/** Starts counting the page's long tasks; the returned function stops and sums them. */
async function watchLongTasks(page: Page) {
  await page.evaluate(() => {
    const w = window as unknown as { __long: number[]; __longObserver: PerformanceObserver };
    w.__long = [];
    w.__longObserver = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__long.push(e.duration);
    });
    w.__longObserver.observe({ type: "longtask" });
  });
  return () =>
    page.evaluate(() => {
      const w = window as unknown as { __long: number[]; __longObserver: PerformanceObserver };
      w.__longObserver.disconnect();
      return {
        count: w.__long.length,
        totalMs: Math.round(w.__long.reduce((a, b) => a + b, 0)),
        maxMs: Math.round(Math.max(0, ...w.__long)),
      };
    });
}

export async function runMonitoringBench(): Promise<object> {
  // The production build: the test build is React's development build, several times slower.
  execFileSync(process.execPath, ["scripts/ensure-web.mjs"], {
    cwd: fileURLToPath(new URL("..", import.meta.url)),
    stdio: "inherit",
  });
  const server = await startServer();
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const clients = startClients();
  try {
    const org = await demoOrg(server.url);
    step("the empty org's board");
    const emptyOrgBoard = await boardCost(server, org);
    const delivery = timeCallDelivery(server);
    const context = await browser.newContext();
    await instrument(context);
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByLabel("Email").fill("sofia@demo.test");
    await page.getByLabel("Password").fill("demo1234");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("button", { name: "Allow microphone" }).click();
    await page.getByRole("button", { name: "Finish set-up" }).click();
    const measure = async (rows: number) => {
      await renderMs(page, server.url, rows); // warm-up
      const shown: number[] = [];
      const api: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const r = await renderMs(page, server.url, rows);
        shown.push(r.shown);
        api.push(r.api);
      }
      return { shownMs: summarize(shown), lastApiResponseMs: summarize(api) };
    };
    step("render, no calls");
    const baseline = await measure(0);

    step("updates, one socket");
    // The update baseline: the page's the only socket, its one live call the one that changes.
    const [callId] = await seedLiveCalls(server, org, 1, "watched");
    const { ctx, directory } = server.earshot.services;
    const call = await ctx.store.getCall(callId);
    const agent = await ctx.store.getUser(call?.agentId as string);
    const agentToken = (await directory.signIn(agent as NonNullable<typeof agent>)).token;
    const updates = { url: server.url, agentToken, callId, reps: UPDATE_REPS, pauseMs: 1000 };
    await renderMs(page, server.url, 1);
    const oneSocket = await measureUpdates(page, clients, updates);
    const oneSocketDelivery = delivery.take();

    step("render, 1,000 calls");
    await seedLiveCalls(server, org, LIVE_CALLS - 1);
    const withCalls = await measure(LIVE_CALLS);
    const ticking = await longTasks(page, 5000);

    step("updates, 200 sockets");
    const tokens = await seedSupervisors(server, org, SUPERVISORS - 1);
    await clients.ask({ type: "open", url: server.url, tokens });
    await page.waitForTimeout(3000); // their sockets' presence events reach the page
    const stopLongTasks = await watchLongTasks(page);
    delivery.take();
    const loaded = await measureUpdates(page, clients, updates);
    const loadedDelivery = delivery.take();
    const longTasksDuringUpdates = await stopLongTasks();
    const pageReads = await pageReadsCost(org);

    step("the board with a day's calls");
    await seedEndedCalls(server, org, ENDED_CALLS);
    // The seed wrote calls that ended in the past, before the running board's kept sums' bound,
    // which it would never read (no real call ends in the past): it forgets its sums.
    server.earshot.services.board.close();
    const fullBoard = await boardCost(server, org);
    const ratio = (a: number, b: number) => Math.round((a / b) * 10) / 10;
    return {
      liveCalls: LIVE_CALLS,
      runs: RUNS,
      noCalls: baseline,
      with1000Calls: withCalls,
      longTasksOver5sWith1000Calls: ticking,
      updateLatency: {
        event: "POST /calls/:id/hold and /resume alternately, as the call's agent",
        reps: UPDATE_REPS,
        oneSocketOneLiveCall: oneSocket,
        supervisorSockets200With1000Calls: loaded,
        longTasksDuringThe200SocketRun: longTasksDuringUpdates,
        // The server's synchronous share: building and writing every socket's copy.
        serverDeliveryMs: { oneSocket: oneSocketDelivery, supervisorSockets200: loadedDelivery },
        // What a supervisor's page reads on load and on every reconnect (no longer after events).
        pageLoadReadsWith1000CallsMs: pageReads,
        p95Ratio: {
          socket: ratio(loaded.socketMs.p95, oneSocket.socketMs.p95),
          row: ratio(loaded.rowMs.p95, oneSocket.rowMs.p95),
        },
      },
      liveBoardCost: {
        emptyOrg: emptyOrgBoard,
        with1000LiveAnd80000EndedCalls: fullBoard,
        endedCalls: ENDED_CALLS,
      },
    };
  } finally {
    clients.close();
    await browser.close();
    await server.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await runMonitoringBench(), null, 2));
  process.exit(0);
}
