// Live Monitoring's update latency (issue 15): a call event made through the API (the call's
// agent puts it on hold, or resumes it) until (a) each supervisor's socket received its
// call.updated and (b) the supervisor's row in a real Chromium page shows the new state. The
// sockets live in another process (boardClients.ts), which also makes the request; the page
// times its own socket's receipt and its row's change (a MutationObserver). The three clocks
// are compared by round trips (the offset's error is at most half the shortest one: reported).
import { type ChildProcess, fork } from "node:child_process";
import { performance } from "node:perf_hooks";
import type { BrowserContext, Page } from "playwright-core";
import type { FromClients, ToClients } from "./boardClients.ts";
import { summarize } from "./stats.ts";

const epochNow = () => performance.timeOrigin + performance.now();

export interface Clients {
  ask(m: ToClients): Promise<FromClients>;
  close(): void;
}

export function startClients(): Clients {
  const child: ChildProcess = fork(new URL("./boardClients.ts", import.meta.url).pathname, [], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const replies: Array<(m: FromClients) => void> = [];
  child.on("message", (m: FromClients) => replies.shift()?.(m));
  return {
    ask: (m) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`board clients: no reply to ${m.type}`)), 150_000);
        replies.push((r) => {
          clearTimeout(timer);
          if (r.type === "error") reject(new Error(`board clients: ${r.message}`));
          else resolve(r);
        });
        child.send(m);
      }),
    close: () => {
      if (child.connected) child.send({ type: "exit" } satisfies ToClients);
    },
  };
}

/** Another clock's reading minus ours (ms), from the shortest of a few round trips, and that trip. */
async function offsetOf(read: () => Promise<number>): Promise<{ offset: number; rttMs: number }> {
  let best = { offset: 0, rttMs: Number.POSITIVE_INFINITY };
  for (let i = 0; i < 7; i++) {
    const t1 = epochNow();
    const theirs = await read();
    const t2 = epochNow();
    if (t2 - t1 < best.rttMs) best = { offset: theirs - (t1 + t2) / 2, rttMs: t2 - t1 };
  }
  return best;
}

declare global {
  interface Window {
    __bench: {
      watch: { callId: string; state: string } | null;
      socketAt: number | null;
      seen?: Promise<unknown>;
      observer?: MutationObserver;
      reverted?: boolean;
    };
  }
}

/**
 * Before the app loads: each WebSocket of the page notes when the watched call.updated
 * arrived (its listener runs before the app's onmessage).
 */
export async function instrument(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    window.__bench = { watch: null, socketAt: null };
    const Native = window.WebSocket;
    window.WebSocket = class extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        this.addEventListener("message", (e: MessageEvent) => {
          const b = window.__bench;
          const w = b.watch;
          if (!w || b.socketAt !== null || typeof e.data !== "string" || !e.data.includes(w.callId)) return;
          const at = performance.timeOrigin + performance.now();
          const m = JSON.parse(e.data) as { type: string; call?: { id: string; state: string } };
          if (m.type === "call.updated" && m.call?.id === w.callId && m.call.state === w.state)
            b.socketAt = at;
        });
      }
    };
  });
}

type Seen = { socketAt: number | null; rowAt: number; frameAt: number };

/**
 * Once the call's row shows `from`, watches it for `to`; `seen(page)` then waits for that: when
 * the page's socket got the event, the row changed and the next frame began (the page's
 * clock). The row is watched on until the next arm: `reverted` if it showed `from` again.
 */
async function armPage(page: Page, callId: string, state: string, from: string, to: string): Promise<void> {
  const cell = `#panel-calls tr[data-call="${callId}"] td:nth-child(5)`;
  await page.waitForFunction(([sel, txt]) => document.querySelector(sel)?.textContent === txt, [cell, from], {
    timeout: 20_000,
  });
  await page.evaluate(
    ([id, st, sel, txt]) => {
      // No named functions in here: tsx would wrap them in a helper the page does not have.
      const b = window.__bench;
      b.observer?.disconnect();
      b.watch = { callId: id, state: st };
      b.socketAt = null;
      b.reverted = false;
      b.seen = new Promise((resolve) => {
        let shown = false;
        b.observer = new MutationObserver(() => {
          const now = document.querySelector(sel)?.textContent;
          if (shown) {
            if (now !== txt) b.reverted = true;
            return;
          }
          if (now !== txt) return;
          shown = true;
          const rowAt = performance.timeOrigin + performance.now();
          // The next frame's start: the change is painted at its end.
          requestAnimationFrame(() =>
            resolve({ socketAt: b.socketAt, rowAt, frameAt: performance.timeOrigin + performance.now() }),
          );
        });
        b.observer.observe(document.getElementById("panel-calls") as HTMLElement, {
          subtree: true,
          childList: true,
          characterData: true,
        });
      });
    },
    [callId, state, cell, to] as const,
  );
}

const seen = (page: Page): Promise<Seen> =>
  Promise.race([
    page.evaluate(() => window.__bench.seen as Promise<Seen>),
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error("the row did not change within 20 s")), 20_000),
    ),
  ]);

export interface UpdateRun {
  /** Every socket's receipt, ms after the request (the page's socket included), all repetitions. */
  socketMs: ReturnType<typeof summarize>;
  /** The last socket's receipt of each repetition. */
  lastSocketMs: ReturnType<typeof summarize>;
  /** The page's row showing the new state (DOM changed), and the next frame's start. */
  rowMs: ReturnType<typeof summarize>;
  rowNextFrameMs: ReturnType<typeof summarize>;
  /** The page's own share: its socket's receipt until its row changed (one clock, no offset). */
  pageSocketToRowMs: ReturnType<typeof summarize>;
  /** The hold/resume request's own round trip. */
  requestMs: ReturnType<typeof summarize>;
  sockets: number;
  missed: number;
  /**
   * Repetitions whose row went back to the old state within the pause (a page read answered
   * with older state than the event's would show it: there should be none).
   */
  reverted: number;
  /** The page's API requests during the run (events carry its grants: it should make none). */
  pageApiRequests: number;
  clockErrorMsAtMost: number;
}

/**
 * `reps` call events on `callId` (hold, resume, hold…) as its agent, `pauseMs` apart; the page
 * shows the Calls list of Live Monitoring with that call's row.
 */
export async function measureUpdates(
  page: Page,
  clients: Clients,
  o: { url: string; agentToken: string; callId: string; reps: number; pauseMs: number },
): Promise<UpdateRun> {
  const clientClock = await offsetOf(async () => {
    const r = await clients.ask({ type: "clock" });
    return r.type === "clock" ? r.now : Number.NaN;
  });
  const pageClock = await offsetOf(() => page.evaluate(() => performance.timeOrigin + performance.now()));
  let pageApiRequests = 0;
  const counted = (r: { url(): string }) => {
    if (new URL(r.url()).pathname.startsWith("/api/")) pageApiRequests++;
  };
  page.on("request", counted);
  const all: number[] = [];
  const last: number[] = [];
  const row: number[] = [];
  const frame: number[] = [];
  const socketToRow: number[] = [];
  const request: number[] = [];
  let sockets = 0;
  let missed = 0;
  let reverted = 0;
  for (let i = 0; i < o.reps; i++) {
    const hold = i % 2 === 0;
    const state = hold ? "on_hold" : "in_progress";
    const [from, to] = hold ? ["Talking", "On hold"] : ["On hold", "Talking"];
    const began = performance.now();
    await armPage(page, o.callId, state, from, to);
    const armedMs = performance.now() - began;
    const fired = await clients.ask({
      type: "fire",
      url: o.url,
      token: o.agentToken,
      callId: o.callId,
      action: hold ? "hold" : "resume",
      state,
    });
    if (fired.type !== "fired" || fired.status !== 200)
      throw new Error(`the call event failed: ${JSON.stringify(fired)}`);
    const shown = await seen(page);
    // On our clock: theirs minus their offset.
    const t0 = fired.t0 - clientClock.offset;
    const onPage = (at: number) => at - pageClock.offset - t0;
    const arrivals = [...fired.arrivalsMs];
    if (shown.socketAt !== null) {
      arrivals.push(onPage(shown.socketAt));
      socketToRow.push(shown.rowAt - shown.socketAt);
    }
    all.push(...arrivals);
    last.push(Math.max(...arrivals));
    row.push(onPage(shown.rowAt));
    frame.push(onPage(shown.frameAt));
    request.push(fired.responseMs);
    sockets = arrivals.length + fired.missing + (shown.socketAt === null ? 1 : 0);
    missed += fired.missing + (shown.socketAt === null ? 1 : 0);
    await page.waitForTimeout(o.pauseMs);
    const back = await page.evaluate(() => window.__bench.reverted);
    if (back) reverted++;
    process.stderr.write(
      `  rep ${i}: armed in ${Math.round(armedMs)} ms, row ${Math.round(onPage(shown.rowAt))} ms, last socket ${Math.round(Math.max(...arrivals))} ms${back ? ", reverted" : ""}\n`,
    );
  }
  page.off("request", counted);
  return {
    socketMs: summarize(all),
    lastSocketMs: summarize(last),
    rowMs: summarize(row),
    rowNextFrameMs: summarize(frame),
    pageSocketToRowMs: summarize(socketToRow),
    requestMs: summarize(request),
    sockets,
    missed,
    reverted,
    pageApiRequests,
    clockErrorMsAtMost: Math.round(((clientClock.rttMs + pageClock.rttMs) / 2) * 100) / 100,
  };
}
