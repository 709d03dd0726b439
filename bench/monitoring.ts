// Live Monitoring's render time in Chromium (the production build): sign in as sofia, open
// /monitoring and time until the Calls list shows every live call, first with the demo org's
// zero live calls (the same run's baseline), then with 1,000 seeded ones (seed.ts). With the
// 1,000 shown it also records the main thread's long tasks over 5 s: the page's one shared
// tick (shared/clock.ts) re-renders the durations every second, and that must stay short.
// Run alone: node --import tsx bench/monitoring.ts
import { execFileSync } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium, type Page } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS } from "../test/support/browser.ts";
import { demoOrg, startServer } from "../test/support/server.ts";
import { seedLiveCalls } from "./seed.ts";
import { summarize } from "./stats.ts";

const LIVE_CALLS = 1000;
const RUNS = 6;

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

export async function runMonitoringBench(): Promise<object> {
  // The production build: the test build is React's development build, several times slower.
  execFileSync(process.execPath, ["scripts/ensure-web.mjs"], {
    cwd: fileURLToPath(new URL("..", import.meta.url)),
    stdio: "inherit",
  });
  const server = await startServer();
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  try {
    const org = await demoOrg(server.url);
    const page = await (await browser.newContext()).newPage();
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
    const baseline = await measure(0);
    await seedLiveCalls(server, org, LIVE_CALLS);
    const withCalls = await measure(LIVE_CALLS);
    const ticking = await longTasks(page, 5000);
    return {
      liveCalls: LIVE_CALLS,
      runs: RUNS,
      noCalls: baseline,
      with1000Calls: withCalls,
      longTasksOver5sWith1000Calls: ticking,
    };
  } finally {
    await browser.close();
    await server.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await runMonitoringBench(), null, 2));
  process.exit(0);
}
