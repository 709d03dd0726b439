// A media worker whose event loop stops answering its heartbeat for more than a second is
// reported in the logs and counted, once per stall, and told again when it answers (issue 16).
import assert from "node:assert/strict";
import { test } from "node:test";
import { MediaWorker } from "../../src/media/workers/MediaWorker.ts";
import type { WorkerInit } from "../../src/media/workers/protocol.ts";
import { waitFor } from "./routing.browser.ts";

test("a stalled media worker is logged and counted", async () => {
  const lines: { level: string; msg: string }[] = [];
  const at = (level: string) => (_fields: Record<string, unknown>, msg: string) => lines.push({ level, msg });
  const log = { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
  const init = { index: 0, options: {}, certificate: {} } as WorkerInit;
  const died: string[] = [];
  const worker = new MediaWorker(
    init,
    { onEvent: () => {}, onDeath: (_w, why) => died.push(why) },
    log,
    new URL("./fixtures/stalling-host.ts", import.meta.url).href,
  );
  try {
    await worker.ready;
    await waitFor(
      async () => lines.some((l) => l.msg.includes("answers again")),
      "the worker answers again",
      10_000,
    );
    const stalls = lines.filter((l) => l.level === "warn" && l.msg.includes("did not answer its heartbeat"));
    assert.equal(stalls.length, 1, JSON.stringify(lines));
    assert.equal(worker.stalls, 1);
    assert.deepEqual(died, [], "a stall is not a death");
  } finally {
    await worker.close();
  }
});
