// The media plane in two worker threads (EARSHOT_MEDIA_WORKERS=2, issue 16; coaching-audio.test.ts
// runs supervision both ways): a worker killed mid-call ends its call with media_failed while
// the call on the other worker keeps its audio (FFT in real Chromiums), and a new call works
// on the restarted worker.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createMedia } from "../../src/media/nodeMedia.ts";
import { WorkerPlane } from "../../src/media/workers/WorkerPlane.ts";
import type { BrowserParty } from "../support/browser.ts";
import { getCall, widgetCall } from "../support/calls.ts";
import { type DemoOrg, type SupervisionRig, startRig } from "../support/rig.ts";
import { expectHearing, type PARTIES, waitFor } from "./routing.browser.ts";

describe("the media plane in two worker threads", { timeout: 150_000 }, () => {
  let rig: SupervisionRig;
  let org: DemoOrg;
  let plane: WorkerPlane;
  const b = {} as Record<(typeof PARTIES)[number], BrowserParty>;

  before(async () => {
    const media = await createMedia(2, {
      hosts: ["127.0.0.1"],
      connectTimeoutMs: 4000,
    });
    assert.ok(media instanceof WorkerPlane);
    plane = media;
    rig = await startRig(media);
    ({ org } = rig);
    Object.assign(b, rig.parties);
  });
  after(() => rig?.close());

  const ws = (q: string) => rig.ws(q);

  /** A widget call to Support that luis answers, the coach's browser as its customer. */
  async function luisCall() {
    const { call, callToken } = await widgetCall(rig.server.url, org.support);
    const answered = await org.luis.post(`/calls/${call.id}/answer`);
    assert.equal(answered.status, 200, JSON.stringify(answered.body));
    await b.coach.joinViaApi(ws(`callToken=${encodeURIComponent(callToken)}`), call.id, "customer", "opus");
    return call;
  }

  it("a worker killed mid-call ends its call (media_failed); the other worker's call keeps its audio", async () => {
    const kept = await rig.connectedCall();
    const doomed = await luisCall();
    const keptOn = plane.workerOf(kept.id);
    const doomedOn = plane.workerOf(doomed.id);
    assert.ok(keptOn && doomedOn, "both calls have their media on a worker");
    assert.notEqual(keptOn.index, doomedOn.index, "the second call went to the less loaded worker");
    const heard = { customer: ["agent", null], agent: ["customer", null], coach: [null, null] } as const;
    await expectHearing({ customer: b.customer, agent: b.agent }, heard, { label: "both calls" });

    await doomedOn.thread.terminate();
    await waitFor(
      async () => (await getCall(org.luis, doomed.id)).endReason === "media_failed",
      "the call on the killed worker ended with media_failed",
    );
    await expectHearing(b, heard, { label: "after the kill", stableMs: 1500 });
    assert.equal((await getCall(org.ana, kept.id)).state, "in_progress");
    await waitFor(
      async () => plane.restarts === 1 && plane.workers.every((w) => w.alive),
      "a new worker took the killed one's place",
    );

    // luis is free again; a new call gets its media (hold music here) on a worker.
    const fresh = await luisCall();
    assert.ok(plane.workerOf(fresh.id)?.alive, "the new call's media is on a live worker");
    assert.equal((await org.luis.post(`/calls/${fresh.id}/hold`)).status, 200);
    await expectHearing(b, { ...heard, coach: ["other", null] }, { label: "new call on hold" });
  });
});
