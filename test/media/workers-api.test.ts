// GET /api/v1/media/workers (admins): this node's media workers with their counters, on a real
// server whose media plane runs in two worker threads (and in the main thread: inProcess). A
// demo call answered by an agent has its synthetic customer's media on one worker, which the
// answer shows as a live call with one leg whose packets are counted; agents and supervisors are refused.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createMedia } from "../../src/media/nodeMedia.ts";
import type { WorkerPlane } from "../../src/media/workers/WorkerPlane.ts";
import type { MediaWorkersView } from "../../src/protocol/mediaWorkers.ts";
import { assertRefused, liveCall } from "../support/calls.ts";
import { until } from "../support/poll.ts";
import { demoOrg, startApp, type TestServer } from "../support/server.ts";

describe("GET /media/workers: this node's media threads", { timeout: 60_000 }, () => {
  let server: TestServer;
  let org: Awaited<ReturnType<typeof demoOrg>>;
  let media: WorkerPlane;
  before(async () => {
    media = (await createMedia(2, { hosts: ["127.0.0.1"] })) as WorkerPlane;
    server = await startApp({ media });
    org = await demoOrg(server.url);
  });
  after(() => server?.close());

  const read = async () => {
    const r = await org.admin.get<MediaWorkersView>("/media/workers");
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body;
  };

  it("lists both workers, alive and idle, to an admin", async () => {
    const view = await read();
    assert.equal(view.inProcess, false);
    // (Not stalls: a loaded machine can delay a heartbeat's answer past 1 s, which counts one.)
    assert.deepEqual(
      view.workers.map((w) => [w.index, w.alive, w.calls, w.legs]),
      [
        [0, true, 0, 0],
        [1, true, 0, 0],
      ],
    );
    for (const w of view.workers) assert.ok(Number.isInteger(w.stalls) && w.stalls >= 0);
    for (const w of view.workers) assert.ok(w.eventLoopUtilization >= 0 && w.eventLoopUtilization <= 1);
  });

  it("carries each worker's loop delay over its last second, sampled every millisecond", async () => {
    // The first complete second, with the next heartbeat (every 250 ms).
    const view = await until(read, (v) => v.workers.every((w) => w.loopDelayMs.samples > 0));
    for (const { loopDelayMs: d } of view.workers) {
      // About one sample per ms (fewer when the machine is busy; never more than 1,000).
      assert.ok(d.samples > 100 && d.samples <= 1100, JSON.stringify(d));
      assert.ok(d.p50 <= d.p99 && d.p99 <= d.max, JSON.stringify(d));
    }
    // A window of its own (what `npm run bench -- workers` reads while coaching starts are served).
    const [worker] = media.workers;
    const stop = await worker.measureLoopDelay();
    await new Promise((r) => setTimeout(r, 300));
    const own = await stop();
    assert.ok(own.samples > 30 && own.samples <= 400, JSON.stringify(own));
    await assert.rejects(stop(), /no loop-delay window/, "a window is read once");
  });

  it("a live call shows on one worker, with its packets counted", async () => {
    const call = await liveCall(org.admin, org.luis, org.support);
    // One worker holds the call and counts its synthetic customer's packets (heartbeats come
    // every 250 ms); nothing is forwarded yet, as the agent has no leg (no browser here).
    const view = await until(read, (v) => {
      const busy = v.workers.filter((w) => w.calls > 0);
      return busy.length === 1 && busy[0].legs === 1 && busy[0].packetsIn > 0;
    });
    assert.equal(
      view.workers.reduce((n, w) => n + w.calls, 0),
      1,
      "the call is on one worker only",
    );
    assert.ok(
      view.workers.some((w) => w.eventLoopUtilization > 0),
      "the busy worker's loop is measured",
    );
    await org.luis.post(`/calls/${call.id}/hangup`);
    const idle = await until(read, (v) => v.workers.every((w) => w.calls === 0));
    assert.ok(
      idle.workers.every((w) => w.calls === 0),
      "the call left its worker",
    );
  });

  it("is for admins only: agents and supervisors get 403 forbidden", async () => {
    for (const user of [org.ana, org.sofia]) {
      const r = await user.get("/media/workers");
      assert.equal(r.status, 403);
      assertRefused(r as never, "forbidden");
    }
  });
});

describe("GET /media/workers with the media plane in the main thread", () => {
  it("answers inProcess with no workers", async () => {
    const server = await startApp({ media: await createMedia(0, { hosts: ["127.0.0.1"] }) });
    try {
      const org = await demoOrg(server.url);
      const r = await org.admin.get<MediaWorkersView>("/media/workers");
      assert.equal(r.status, 200);
      assert.equal(r.body.inProcess, true);
      assert.deepEqual(r.body.workers, []);
      assert.ok(r.body.mainThreadUtilization >= 0 && r.body.mainThreadUtilization <= 1);
    } finally {
      await server.close();
    }
  });
});
