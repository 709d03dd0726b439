// The grants a resource carries are the API's own answers: for every call action, every refused
// grant is the refusal the API gives, and a session's `hearing` follows hold, mute and mode in
// the events that tell them.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { ServerMessage } from "../../src/protocol/messages.ts";
import type { Call, CallGrants, CoachingSession, User } from "../../src/protocol/resources.ts";
import { getCall, liveCall, startCoaching } from "../support/calls.ts";
import { type Client, demoOrg, startServer, type TestServer } from "../support/server.ts";
import { EventClient } from "../support/ws.ts";

/** Each call action as a request: its route and a body that would pass validation. */
const REQUESTS: Partial<Record<keyof CallGrants, [string, unknown]>> = {
  answer: ["answer", {}],
  hold: ["hold", {}],
  resume: ["resume", {}],
  mute: ["mute", {}],
  unmute: ["unmute", {}],
  transfer: ["transfer", { toNumber: "+34600000000" }],
  addParty: ["participants", { number: "+34600000001" }],
  raiseHand: ["hand", { raised: true }],
  hangUp: ["hangup", {}],
  acceptTransfer: ["transfer/accept", {}],
  declineTransfer: ["transfer/decline", {}],
  cancelTransfer: ["transfer/cancel", {}],
};

describe("grants and hearing over HTTP", () => {
  let server: TestServer;
  let org: Awaited<ReturnType<typeof demoOrg>>;
  before(async () => {
    server = await startServer();
    org = await demoOrg(server.url);
  });
  after(() => server.close());

  it("every refused call-action grant is the API's refusal, code and sentence", async () => {
    const call = await liveCall(org.admin, org.ana, org.support);
    await org.ana.post(`/calls/${call.id}/hold`);
    let checked = 0;
    // luis (another agent) does not see the call at all: 404 for everything, no grants.
    for (const viewer of [org.ana, org.sofia, org.marco, org.admin]) {
      const viewed = await getCall(viewer, call.id);
      const grants = viewed.grants;
      assert.ok(grants, "a call from the API carries the viewer's grants");
      assert.deepEqual(viewed.coach, grants.coach, "SPEC §6's `coach` is grants.coach");
      for (const [kind, [path, body]] of Object.entries(REQUESTS)) {
        const g: CallGrants[keyof CallGrants] = grants[kind as keyof CallGrants];
        if (g.allowed) continue;
        const r = await viewer.post(`/calls/${call.id}/${path}`, body);
        assert.deepEqual(
          r.body.error,
          { code: g.code, message: g.message },
          `${viewer.user?.name} ${kind}: the grant says what the API answers`,
        );
        checked++;
      }
    }
    assert.ok(checked >= 25, `refusals compared: ${checked}`);
    const mine = (await getCall(org.ana, call.id)).grants as CallGrants;
    assert.deepEqual(
      [mine.resume.allowed, mine.hold.allowed, mine.coach.code],
      [true, false, "role_not_allowed"],
      "on hold the agent may resume, not hold",
    );
    assert.equal((await org.ana.post(`/calls/${call.id}/resume`)).status, 200, "and resume works");
    await org.ana.post(`/calls/${call.id}/hangup`);
  });

  it("the signed-in user's grants: monitor and administer", async () => {
    const grantsOf = async (c: Client) => (await c.get<{ user: User }>("/me")).body.user.grants;
    const [admin, sofia, ana] = await Promise.all([org.admin, org.sofia, org.ana].map(grantsOf));
    assert.deepEqual(
      [admin, sofia, ana].map((g) => [g.monitor.allowed, g.administer.allowed]),
      [
        [true, true],
        [true, false],
        [false, false],
      ],
    );
    const forbidden = await org.sofia.post("/users", {
      email: "x@demo.test",
      name: "X",
      password: "grants-pass-2026",
      role: "agent",
      monitoringAccess: "none",
    });
    assert.deepEqual(forbidden.body.error, {
      code: sofia.administer.code,
      message: sofia.administer.message,
    });
  });

  it("the session's hearing follows mode, hold and mute, in the events that tell them", async () => {
    const sofia = await EventClient.connect(server.url, `token=${org.sofia.token}`);
    const call = await liveCall(org.admin, org.ana, org.support);
    const session = await startCoaching(org.sofia, call.id);
    assert.deepEqual(session.hearing, {
      agentHearsCoach: false,
      customerHearsCoach: false,
      coachHearsCustomer: true,
      coachHearsAgent: true,
    });
    const hearingIn = async (match: (e: ServerMessage) => boolean) => {
      const e = await sofia.next(match);
      const s = "session" in e ? e.session : "call" in e ? (e.call as Call).coachingSession : null;
      return (s as CoachingSession).hearing;
    };
    const callUpdated = (pred: (c: Call) => boolean) => (e: ServerMessage) =>
      e.type === "call.updated" && e.call.id === call.id && pred(e.call as Call);

    await org.sofia.patch(`/coaching-sessions/${session.id}`, { mode: "barge" });
    const barge = await hearingIn((e) => e.type === "coaching.mode_changed" && e.session.mode === "barge");
    assert.deepEqual([barge.agentHearsCoach, barge.customerHearsCoach], [true, true]);

    await org.ana.post(`/calls/${call.id}/hold`);
    const held = await hearingIn(callUpdated((c) => c.state === "on_hold"));
    assert.deepEqual(
      [held.agentHearsCoach, held.customerHearsCoach],
      [true, false],
      "barge on hold: the customer does not hear the coach",
    );
    assert.equal((await getCall(org.sofia, call.id)).coachingSession?.hearing.customerHearsCoach, false);

    await org.ana.post(`/calls/${call.id}/resume`);
    await org.ana.post(`/calls/${call.id}/mute`);
    const muted = await hearingIn(callUpdated((c) => c.agentMuted));
    assert.deepEqual(
      muted,
      { agentHearsCoach: true, customerHearsCoach: true, coachHearsCustomer: true, coachHearsAgent: false },
      "the agent muted: the coach no longer hears them",
    );
    await org.ana.post(`/calls/${call.id}/hangup`);
    sofia.close();
  });
});
