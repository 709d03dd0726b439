// Adding a third party on the demo network: the simulated callee answers into the call's
// media in the coach's position, the routing lets everyone hear the two others, a standby coach
// leg is cut off first, and a second third party is refused. When the agent's softphone
// disappears, the third party is dropped (their leg ended, ringing or answered) and the customer
// waits in the queue again with hold music, for a two-party call with the next agent.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { MediaPlane } from "../../src/media/plane.ts";
import type { Call } from "../../src/protocol/resources.ts";
import { getCall, liveCall } from "../support/calls.ts";
import { until } from "../support/poll.ts";
import { demoOrg, startApp, type TestServer } from "../support/server.ts";

describe("conference on the demo network", () => {
  let server: TestServer;
  let plane: MediaPlane;
  before(async () => {
    plane = await MediaPlane.create({ hosts: ["127.0.0.1"] });
    // The simulated third party rings for a second before answering.
    server = await startApp({ media: plane, env: { EARSHOT_DEMO_ANSWER_DELAY_MS: "1000" } });
  });
  after(() => server?.close());

  it("the third party answers into the call's media and is heard by the customer and the agent", async () => {
    const org = await demoOrg(server.url);
    const call = await liveCall(org.admin, org.ana, org.support);
    const media = plane.node.getCall(call.id);
    assert.ok(media, "the call has media");
    // A standby coach leg (the Coach dialog open): it must not stay in the third party's place.
    const standby = media.attachSynthetic("coach", "tone:1700");
    const r = await org.ana.post<{ call: Call }>(`/calls/${call.id}/participants`, {
      number: "+34600999888",
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.call.conference, true);
    assert.equal(r.body.call.thirdParty, "+34600999888");
    assert.equal(
      media.leg("coach"),
      undefined,
      "the standby coach leg is cut off before the third party answers",
    );

    const deadline = Date.now() + 5000;
    const thirdIn = () => {
      const leg = media.leg("coach");
      return leg?.kind === "synthetic" && leg.legId !== standby && media.routing.agent[1] === "coach";
    };
    while (!thirdIn()) {
      assert.ok(Date.now() < deadline, `third party not in: ${JSON.stringify(media.leg("coach"))}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.deepEqual(media.routing, {
      customer: ["agent", "coach"],
      agent: ["customer", "coach"],
      coach: ["customer", "agent"],
    });
    const refused = await org.ana.post(`/calls/${call.id}/participants`, { number: "+34600999777" });
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error?.code, "conflict");

    // Hold: the agent hears nobody, the customer hold music, the third party silence.
    assert.equal((await org.ana.post(`/calls/${call.id}/hold`)).status, 200);
    assert.deepEqual(media.routing, {
      customer: ["hold_music", null],
      agent: [null, null],
      coach: [null, null],
    });
    await org.ana.post(`/calls/${call.id}/hangup`);
  });

  /** ana's conference with the simulated third party (answered or, `answered` false, still ringing). */
  async function conference(answered: boolean) {
    const org = await demoOrg(server.url);
    const call = await liveCall(org.admin, org.ana, org.support);
    const media = plane.node.getCall(call.id);
    assert.ok(media, "the call has media");
    const r = await org.ana.post(`/calls/${call.id}/participants`, { number: "+34600999888" });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    if (answered)
      await until(
        async () => media.leg("coach")?.kind ?? null,
        (kind) => kind === "synthetic",
      );
    return { org, call, media };
  }

  it("the agent gone: the third party is dropped, the customer waits with hold music for the next agent", async () => {
    const { org, call, media } = await conference(true);
    await server.earshot.services.calls.legLost(call.id, "agent");
    const waiting = await getCall(org.admin, call.id);
    assert.deepEqual(
      [waiting.state, waiting.agentId, waiting.conference, waiting.thirdParty],
      ["ringing", null, false, null],
      "back in the queue, without the third party",
    );
    assert.ok(waiting.queuedAt);
    assert.equal(media.leg("coach"), undefined, "the third party's leg ended");
    assert.equal(media.leg("agent"), undefined, "the gone agent's leg ended");
    assert.deepEqual(media.routing, {
      customer: ["hold_music", null],
      agent: [null, null],
      coach: [null, null],
    });
    await until(
      () => getCall(org.admin, call.id),
      (c) => c.ringingUserIds.includes(org.luis.id),
    );
    const answered = await org.luis.post<{ call: Call }>(`/calls/${call.id}/answer`);
    assert.equal(answered.status, 200, JSON.stringify(answered.body));
    assert.deepEqual(media.routing, {
      customer: ["agent", null],
      agent: ["customer", null],
      coach: [null, null],
    });
    const seen = await getCall(org.sofia, call.id);
    assert.equal(seen.grants?.coach.allowed, true, "a two-party call again: coachable");
    await org.luis.post(`/calls/${call.id}/hangup`);
    await org.ana.patch("/me", { availability: "available" });
  });

  it("the agent gone while the third party still rings: they never join", async () => {
    const { org, call, media } = await conference(false);
    await server.earshot.services.calls.legLost(call.id, "agent");
    // Past the simulated callee's ring (1 s): the dropped party must not answer into the call.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(media.leg("coach"), undefined);
    const waiting = await getCall(org.admin, call.id);
    assert.deepEqual([waiting.state, waiting.thirdParty, waiting.conference], ["ringing", null, false]);
    assert.deepEqual(media.routing.customer, ["hold_music", null]);
    await until(
      () => getCall(org.admin, call.id),
      (c) => c.ringingUserIds.includes(org.luis.id),
    );
    assert.equal((await org.luis.post(`/calls/${call.id}/answer`)).status, 200);
    assert.equal(media.leg("coach"), undefined, "nor after the next agent answered");
    await org.luis.post(`/calls/${call.id}/hangup`);
    await org.ana.patch("/me", { availability: "available" });
  });
});
