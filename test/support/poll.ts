// Polling a value until it holds, for tests whose server changes state on its own timers (queues,
// transfers ringing out, agents gone): fails with the last value read, never hangs.
import assert from "node:assert/strict";

/** Polls `read` until `ok` holds; fails after `ms` with the last value. */
export async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 4000): Promise<T> {
  const deadline = Date.now() + ms;
  let last = await read();
  while (!ok(last)) {
    if (Date.now() > deadline) assert.fail(`not reached within ${ms} ms: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 20));
    last = await read();
  }
  return last;
}
