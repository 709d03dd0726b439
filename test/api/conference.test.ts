// Adding a third party on the demo network: the simulated callee answers into the call's
// media in the coach's position, the routing lets everyone hear the two others, a standby coach
// leg is cut off first, and a second third party is refused. When the agent's softphone
// disappears, the third party is dropped (their leg ended, ringing or answered) and the customer
// waits in the queue again with hold music, for a two-party call with the next agent.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { CallMediaState, NodeMedia } from "../../src/media/commands.ts";
import type { Call } from "../../src/protocol/resources.ts";
import { getCall, liveCall } from "../support/calls.ts";
import { testMedia } from "../support/media.ts";
import { until } from "../support/poll.ts";
import { demoOrg, startApp, type TestServer } from "../support/server.ts";

describe("conference on the demo network", () => {
  let server: TestServer;
  let plane: NodeMedia;
  /** The call's media now, read through NodeMedia (in this thread or in its media worker). */
  let media: (callId: string) => Promise<CallMediaState>;
  before(async () => {
    plane = await testMedia({ hosts: ["127.0.0.1"] });
    media = async (callId) => {
      const state = await plane.inspect(callId);
      assert.ok(state, "the call has media");
      return state;
    };
    // The simulated third party rings for a second before answering.
    server = await startApp({ media: plane, env: { EARSHOT_DEMO_ANSWER_DELAY_MS: "1000" } });
  });
  after(() => server?.close());

  it("the third party answers into the call's media and is heard by the customer and the agent", async () => {
    const org = await demoOrg(server.url);
    const call = await liveCall(org.admin, org.ana, org.support);
    // A standby coach leg (the Coach dialog open): it must not stay in the third party's place.
    plane.attachSynthetic(call.id, "coach");
    const standby = (await media(call.id)).legs.coach?.legId;
    assert.ok(standby, "the standby coach leg is attached");
    const r = await org.ana.post<{ call: Call }>(`/calls/${call.id}/participants`, {
      number: "+34600999888",
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.call.conference, true);
    assert.equal(r.body.call.thirdParty, "+34600999888");
    assert.equal(
      (await media(call.id)).legs.coach,
      undefined,
      "the standby coach leg is cut off before the third party answers",
    );

    const joined = await until(
      () => media(call.id),
      ({ legs, routing }) =>
        legs.coach?.kind === "synthetic" && legs.coach.legId !== standby && routing.agent[1] === "coach",
    );
    assert.deepEqual(joined.routing, {
      customer: ["agent", "coach"],
      agent: ["customer", "coach"],
      coach: ["customer", "agent"],
    });
    const refused = await org.ana.post(`/calls/${call.id}/participants`, { number: "+34600999777" });
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error?.code, "conflict");

    // Hold: the agent hears nobody, the customer hold music, the third party silence.
    assert.equal((await org.ana.post(`/calls/${call.id}/hold`)).status, 200);
    assert.deepEqual((await media(call.id)).routing, {
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
    const r = await org.ana.post(`/calls/${call.id}/participants`, { number: "+34600999888" });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    if (answered)
      await until(
        () => media(call.id),
        ({ legs }) => legs.coach?.kind === "synthetic",
      );
    return { org, call };
  }

  it("the agent gone: the third party is dropped, the customer waits with hold music for the next agent", async () => {
    const { org, call } = await conference(true);
    await server.earshot.services.calls.legLost(call.id, "agent");
    const waiting = await getCall(org.admin, call.id);
    assert.deepEqual(
      [waiting.state, waiting.agentId, waiting.conference, waiting.thirdParty],
      ["ringing", null, false, null],
      "back in the queue, without the third party",
    );
    assert.ok(waiting.queuedAt);
    const left = await media(call.id);
    assert.equal(left.legs.coach, undefined, "the third party's leg ended");
    assert.equal(left.legs.agent, undefined, "the gone agent's leg ended");
    assert.deepEqual(left.routing, {
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
    assert.deepEqual((await media(call.id)).routing, {
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
    const { org, call } = await conference(false);
    await server.earshot.services.calls.legLost(call.id, "agent");
    // Past the simulated callee's ring (1 s): the dropped party must not answer into the call.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal((await media(call.id)).legs.coach, undefined);
    const waiting = await getCall(org.admin, call.id);
    assert.deepEqual([waiting.state, waiting.thirdParty, waiting.conference], ["ringing", null, false]);
    assert.deepEqual((await media(call.id)).routing.customer, ["hold_music", null]);
    await until(
      () => getCall(org.admin, call.id),
      (c) => c.ringingUserIds.includes(org.luis.id),
    );
    assert.equal((await org.luis.post(`/calls/${call.id}/answer`)).status, 200);
    assert.equal((await media(call.id)).legs.coach, undefined, "nor after the next agent answered");
    await org.luis.post(`/calls/${call.id}/hangup`);
    await org.ana.patch("/me", { availability: "available" });
  });
});
