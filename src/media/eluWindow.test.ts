// EluWindow: a window's utilisation is perf_hooks' delta between its two marks; a read before the
// window has passed keeps the previous figure.
import assert from "node:assert/strict";
import type { EventLoopUtilization } from "node:perf_hooks";
import { describe, it } from "node:test";
import { EluWindow } from "./eluWindow.ts";

/** A loop's cumulative idle and active ms, advanced by the test; deltas as perf_hooks makes them. */
function fakeLoop() {
  const total = { idle: 0, active: 0 };
  const elu = (a?: EventLoopUtilization, b?: EventLoopUtilization): EventLoopUtilization => {
    if (!a) return { ...total, utilization: total.active / Math.max(1, total.idle + total.active) };
    const idle = a.idle - (b?.idle ?? 0);
    const active = a.active - (b?.active ?? 0);
    return { idle, active, utilization: active / (idle + active) };
  };
  return { total, elu };
}

describe("EluWindow", () => {
  it("reads each window's share of busy time, not the loop's lifetime's", () => {
    const loop = fakeLoop();
    loop.total.active = 900; // a busy start-up, before the window's first mark
    const w = new EluWindow(loop.elu, 0);
    loop.total.idle += 750;
    loop.total.active += 250;
    assert.equal(w.read(), 0.25);
    loop.total.idle += 100;
    loop.total.active += 900;
    assert.equal(w.read(), 0.9);
  });

  it("keeps the last window's figure until the next window has passed", () => {
    const loop = fakeLoop();
    const w = new EluWindow(loop.elu, 60_000);
    loop.total.active += 500;
    assert.equal(w.read(), 0, "no window has passed yet");
  });
});
