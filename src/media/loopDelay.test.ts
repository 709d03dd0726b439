// The loop-delay sampler: a busy loop shows in the windows open while it ran, with its length,
// and not in a window opened after it; an idle loop reads about one sample per millisecond.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { LoopDelay } from "./loopDelay.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const busy = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

describe("LoopDelay", () => {
  const delay = new LoopDelay();
  after(() => delay.stop());

  it("records a 40 ms stall in the window open while it ran, not in one opened after", async () => {
    const during = delay.window();
    await sleep(20);
    busy(40);
    await sleep(20);
    const afterIt = delay.window();
    await sleep(50);
    const seen = during.close();
    const clean = afterIt.close();
    assert.ok(seen.max >= 38 && seen.max < 200, `the stall's length: ${JSON.stringify(seen)}`);
    assert.ok(clean.max < 38, `the later window does not hold it: ${JSON.stringify(clean)}`);
    assert.ok(clean.samples >= 10, `the timer kept sampling: ${JSON.stringify(clean)}`);
  });

  it("a closed window records nothing more", async () => {
    const w = delay.window();
    await sleep(10);
    const closed = w.close();
    await sleep(20);
    assert.deepEqual(w.read(), closed);
  });

  it("an empty window reads zero samples, not NaN", () => {
    const w = delay.window();
    assert.deepEqual(w.close(), { samples: 0, p50: 0, p99: 0, max: 0 });
  });
});
