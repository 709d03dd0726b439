// The supervisors' sockets of the board update bench (boardUpdates.ts), in a process of their
// own so that receiving does not run on the server's event loop: one /api/v1/ws socket per
// token. On "fire" it makes the call event through the API (POST /calls/:id/hold|resume as the
// call's agent) and times, from the request, each socket's receipt of that call.updated.
// Each event carries the supervisor's grants on the call (control/delivery.ts), so a page reads
// nothing after it (shared/live.ts); the sockets only receive.
import { performance } from "node:perf_hooks";
import WebSocket from "ws";

export type ToClients =
  | { type: "open"; url: string; tokens: string[] }
  | { type: "clock" }
  | { type: "fire"; url: string; token: string; callId: string; action: "hold" | "resume"; state: string }
  | { type: "exit" };
export type FromClients =
  | { type: "opened"; sockets: number }
  | { type: "clock"; now: number }
  /**
   * t0 on this process's clock (epoch ms); the rest in ms after t0; missing: sockets that got
   * nothing.
   */
  | {
      type: "fired";
      t0: number;
      status: number;
      responseMs: number;
      arrivalsMs: number[];
      missing: number;
    }
  | { type: "error"; message: string };

const epochNow = () => performance.timeOrigin + performance.now();
const reply = (m: FromClients) => process.send?.(m);
const sockets: WebSocket[] = [];
/** The event awaited: at its receipt each socket calls `got`. */
let watch: { callId: string; state: string; got: (i: number, at: number) => void } | null = null;
async function open(url: string, tokens: string[]): Promise<void> {
  const wsUrl = `${url.replace("http", "ws")}/api/v1/ws`;
  for (let start = 0; start < tokens.length; start += 50) {
    await Promise.all(
      tokens.slice(start, start + 50).map((token) => {
        const i = sockets.length;
        const ws = new WebSocket(`${wsUrl}?token=${token}`);
        sockets.push(ws);
        ws.on("message", (raw: Buffer) => {
          const at = performance.now();
          const text = raw.toString("utf8");
          const w = watch;
          if (!w) return;
          if (!text.includes(w.callId)) return;
          const m = JSON.parse(text) as { type: string; call?: { id: string; state: string } };
          if (m.type === "call.updated" && m.call?.id === w.callId && m.call.state === w.state) w.got(i, at);
        });
        // Open once the hello arrived (a refused token gets an error and the close instead).
        return new Promise<void>((resolve, reject) => {
          ws.once("message", (raw: Buffer) =>
            String(raw).startsWith('{"type":"hello"') ? resolve() : reject(new Error(`refused: ${raw}`)),
          );
          ws.once("error", reject);
        });
      }),
    );
  }
}

async function fire(m: Extract<ToClients, { type: "fire" }>): Promise<FromClients> {
  const arrivals = new Array<number>(sockets.length).fill(-1);
  let pending = sockets.length;
  let allGot: () => void = () => {};
  const all = new Promise<void>((resolve) => {
    allGot = resolve;
  });
  if (pending === 0) allGot();
  const t0 = performance.now();
  watch = {
    callId: m.callId,
    state: m.state,
    got: (i, at) => {
      if (arrivals[i] >= 0) return;
      arrivals[i] = at - t0;
      if (--pending === 0) allGot();
    },
  };
  const t0Epoch = performance.timeOrigin + t0;
  const res = await fetch(`${m.url}/api/v1/calls/${m.callId}/${m.action}`, {
    method: "POST",
    headers: { authorization: `Bearer ${m.token}`, "content-type": "application/json" },
    body: "{}",
  });
  await res.arrayBuffer();
  const responseMs = performance.now() - t0;
  await Promise.race([all, new Promise((r) => setTimeout(r, 10_000))]);
  watch = null;
  return {
    type: "fired",
    t0: t0Epoch,
    status: res.status,
    responseMs,
    arrivalsMs: arrivals.filter((a) => a >= 0),
    missing: arrivals.filter((a) => a < 0).length,
  };
}

process.on("message", (m: ToClients) => {
  const run = async (): Promise<FromClients | null> => {
    if (m.type === "open") {
      await open(m.url, m.tokens);
      return { type: "opened", sockets: sockets.length };
    }
    if (m.type === "clock") return { type: "clock", now: epochNow() };
    if (m.type === "fire") return fire(m);
    for (const s of sockets) s.terminate();
    process.exit(0);
  };
  run().then(
    (r) => r && reply(r),
    (e: unknown) => reply({ type: "error", message: (e as Error).message }),
  );
});
