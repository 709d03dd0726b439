// Every refusal code of SPEC §3, through the HTTP API, on a real server.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Call, CoachingSession, User } from "../../src/protocol/resources.ts";
import { assertRefused, getCall, liveCall, signedIn, startCoaching } from "../support/calls.ts";
import { Client, demoOrg, startApp, type TestServer } from "../support/server.ts";

describe("coaching rules over HTTP", () => {
  let server: TestServer;
  let org: Awaited<ReturnType<typeof demoOrg>>;
  before(async () => {
    server = await startApp();
    org = await demoOrg(server.url);
  });
  after(() => server.close());

  /** Ends every live call so each test starts from an idle org. */
  async function hangUpAll() {
    const { calls } = (await org.admin.get<{ calls: Call[] }>("/calls?live=true")).body;
    const users = [org.ana, org.luis, org.sofia, org.marco];
    for (const c of calls) {
      // A ringing call holds the agents it rings (one call at a time): answered, then hung up.
      const rung = users.find((u) => c.state === "ringing" && c.ringingUserIds.includes(u.id));
      if (rung) {
        await rung.post(`/calls/${c.id}/answer`);
        await rung.post(`/calls/${c.id}/hangup`);
        continue;
      }
      if (c.coachingSession) await org.admin.delete(`/coaching-sessions/${c.coachingSession.id}`);
      const agent = [org.ana, org.luis, org.sofia, org.marco].find((u) => u.id === c.agentId);
      if (agent && !c.externalTransfer) await agent.post(`/calls/${c.id}/hangup`);
      else await org.admin.post(`/calls/${c.id}/hangup`);
    }
  }

  it("role_not_allowed: an agent can never coach", async () => {
    await hangUpAll();
    const call = await liveCall(org.admin, org.luis, org.support);
    assertRefused(await org.ana.post(`/calls/${call.id}/coaching`, {}), "role_not_allowed");
  });

  it("no_monitoring_access: a supervisor without Live Monitoring", async () => {
    await hangUpAll();
    const created = await org.admin.post<{ user: User }>("/users", {
      email: "nomon@demo.test",
      name: "No Monitor",
      password: "coach-pass-2026",
      role: "supervisor",
      monitoringAccess: "none",
    });
    assert.equal(created.status, 201);
    const numbers = (await org.admin.get<{ numbers: { id: string; userIds: string[] }[] }>("/numbers")).body
      .numbers;
    const support = numbers.find((n) => n.id === org.support);
    await org.admin.patch(`/numbers/${org.support}`, {
      userIds: [...(support?.userIds ?? []), created.body.user.id],
    });
    const nomon = await Client.login(server.url, "nomon@demo.test", "coach-pass-2026");
    await nomon.patch("/me", { availability: "unavailable" }); // so that they do not ring
    const call = await liveCall(org.admin, org.ana, org.support);
    assertRefused(await nomon.post(`/calls/${call.id}/coaching`, {}), "no_monitoring_access");
    const listed = (await nomon.get<{ calls: Call[] }>("/calls?live=true")).body.calls;
    assert.equal(listed.length, 0, "without monitoring access a supervisor sees only their own calls");
  });

  it("not_in_line_distribution: marco on a Sales call; admins need no distribution", async () => {
    await hangUpAll();
    const call = await liveCall(org.admin, org.luis, org.sales);
    const seen = (await org.marco.get<{ calls: Call[] }>("/calls?live=true")).body.calls.find(
      (c) => c.id === call.id,
    );
    assert.ok(seen, "marco sees every live call in Live Monitoring");
    assert.equal(seen.grants?.coach.allowed, false);
    assert.equal(seen.grants?.coach.code, "not_in_line_distribution");
    assert.match(seen.grants?.coach.message ?? "", /line distribution/);
    assertRefused(await org.marco.post(`/calls/${call.id}/coaching`, {}), "not_in_line_distribution");
    const asAdmin = (await org.admin.get<{ call: Call }>(`/calls/${call.id}`)).body.call;
    assert.equal(asAdmin.grants?.coach.allowed, true);
    assert.equal(
      asAdmin.grants?.openConversation.allowed,
      false,
      "Open the target conversation is hidden outside the distribution",
    );
    const s = await startCoaching(org.admin, call.id, { openConversation: true });
    assert.equal(s.openConversation, false);
  });

  it("call_not_live: a ringing call", async () => {
    await hangUpAll();
    const created = await org.admin.post<{ call: Call }>("/demo/calls", { numberId: org.support });
    assert.equal(created.body.call.state, "ringing");
    assertRefused(await org.sofia.post(`/calls/${created.body.call.id}/coaching`, {}), "call_not_live");
  });

  it("emergency_call: an outbound call to 112", async () => {
    await hangUpAll();
    const r = await org.luis.post<{ call: Call }>("/calls", { numberId: org.support, to: "112" });
    assert.equal(r.status, 201);
    assert.equal(r.body.call.emergency, true);
    await waitState(org.luis, r.body.call.id, "in_progress");
    assertRefused(await org.sofia.post(`/calls/${r.body.call.id}/coaching`, {}), "emergency_call");
  });

  it("conference_call, and a conference ends the session", async () => {
    await hangUpAll();
    const call = await liveCall(org.admin, org.ana, org.support);
    const s = await startCoaching(org.sofia, call.id);
    const conf = await org.ana.post<{ call: Call }>(`/calls/${call.id}/participants`, {
      number: "+34600999888",
    });
    assert.equal(conf.body.call.conference, true);
    await assertEnded(s, "conference");
    assertRefused(await org.sofia.post(`/calls/${call.id}/coaching`, {}), "conference_call");
  });

  it("external_transfer, and an external transfer ends the session", async () => {
    await hangUpAll();
    const call = await liveCall(org.admin, org.ana, org.support);
    const s = await startCoaching(org.sofia, call.id);
    const t = await org.ana.post<{ call: Call }>(`/calls/${call.id}/transfer`, { toNumber: "+34600123123" });
    assert.equal(t.status, 200, JSON.stringify(t.body));
    assert.equal(t.body.call.externalTransfer, true);
    await assertEnded(s, "external_transfer");
    assertRefused(await org.sofia.post(`/calls/${call.id}/coaching`, {}), "external_transfer");
  });

  it("call_already_coached and coach_busy", async () => {
    await hangUpAll();
    const a = await liveCall(org.admin, org.ana, org.support);
    const b = await liveCall(org.admin, org.luis, org.support);
    await startCoaching(org.sofia, a.id);
    assertRefused(await org.admin.post(`/calls/${a.id}/coaching`, {}), "call_already_coached");
    assertRefused(await org.sofia.post(`/calls/${a.id}/coaching`, {}), "call_already_coached");
    assertRefused(await org.sofia.post(`/calls/${b.id}/coaching`, {}), "coach_busy");
    const seen = (await org.sofia.get<{ call: Call }>(`/calls/${b.id}`)).body.call;
    assert.equal(seen.grants?.coach.code, "coach_busy");
  });

  it("coach_on_call: not while on a call, not one's own call", async () => {
    await hangUpAll();
    await org.ana.patch("/me", { availability: "unavailable" });
    await org.luis.patch("/me", { availability: "unavailable" });
    await org.marco.patch("/me", { availability: "unavailable" });
    const own = await liveCall(org.admin, org.sofia, org.support);
    assertRefused(await org.sofia.post(`/calls/${own.id}/coaching`, {}), "coach_on_call");
    await org.ana.patch("/me", { availability: "available" });
    await org.sofia.patch("/me", { availability: "unavailable" });
    const other = await liveCall(org.admin, org.ana, org.support);
    assertRefused(await org.sofia.post(`/calls/${other.id}/coaching`, {}), "coach_on_call");
    for (const u of [org.luis, org.marco, org.sofia]) await u.patch("/me", { availability: "available" });
  });

  it("barge_not_allowed without Live Monitoring+, allowed with it", async () => {
    await hangUpAll();
    const call = await liveCall(org.admin, org.ana, org.support);
    const s = await startCoaching(org.marco, call.id);
    assertRefused(
      await org.marco.patch(`/coaching-sessions/${s.id}`, { mode: "barge" }),
      "barge_not_allowed",
    );
    const w = await org.marco.patch<{ session: CoachingSession }>(`/coaching-sessions/${s.id}`, {
      mode: "whisper",
    });
    assert.equal(w.body.session.mode, "whisper");
    await org.marco.delete(`/coaching-sessions/${s.id}`);
    const s2 = await startCoaching(org.sofia, call.id);
    const b = await org.sofia.patch<{ session: CoachingSession }>(`/coaching-sessions/${s2.id}`, {
      mode: "barge",
    });
    assert.equal(b.status, 200);
    assert.deepEqual(b.body.session.modesUsed, ["listen", "barge"]);
  });

  it("cannot_remove_coach: the agent cannot remove the coach; the coach and an admin can end it", async () => {
    await hangUpAll();
    const call = await liveCall(org.admin, org.ana, org.support);
    const s = await startCoaching(org.sofia, call.id);
    assertRefused(await org.ana.delete(`/coaching-sessions/${s.id}`), "cannot_remove_coach");
    assert.equal((await org.marco.delete(`/coaching-sessions/${s.id}`)).status, 403);
    const removed = await org.admin.delete<{ session: CoachingSession }>(`/coaching-sessions/${s.id}`);
    assert.equal(removed.body.session.endReason, "removed_by_admin");
    const again = await startCoaching(org.sofia, call.id);
    const left = await org.sofia.delete<{ session: CoachingSession }>(`/coaching-sessions/${again.id}`);
    assert.equal(left.body.session.endReason, "coach_left");
    assert.equal(
      (await org.sofia.delete(`/coaching-sessions/${again.id}`)).body.error?.code,
      "session_ended",
    );
  });

  it("the coach is unavailable while coaching and gets back what they had", async () => {
    await hangUpAll();
    const call = await liveCall(org.admin, org.ana, org.support);
    for (const before of ["available", "unavailable"] as const) {
      await org.sofia.patch("/me", { availability: before });
      const s = await startCoaching(org.sofia, call.id);
      const during = (await org.sofia.get<{ user: User }>("/me")).body.user;
      assert.equal(during.availability, "unavailable");
      assert.equal(during.coachingSessionId, s.id);
      assert.equal((await org.sofia.patch("/me", { availability: "available" })).status, 409);
      await org.sofia.delete(`/coaching-sessions/${s.id}`);
      assert.equal((await org.sofia.get<{ user: User }>("/me")).body.user.availability, before);
    }
    // A coach does not ring for inbound calls.
    const s = await startCoaching(org.sofia, call.id);
    const ringing = await org.admin.post<{ call: Call }>("/demo/calls", { numberId: org.support });
    assert.ok(!ringing.body.call.ringingUserIds.includes(org.sofia.id));
    await org.sofia.delete(`/coaching-sessions/${s.id}`);
    await org.sofia.patch("/me", { availability: "available" });
  });

  it("ends the session by itself when the call ends or is transferred away", async () => {
    await hangUpAll();
    const call = await liveCall(org.admin, org.ana, org.support);
    const s = await startCoaching(org.sofia, call.id);
    await signedIn(server, org.luis); // a transfer rings a softphone that is open
    await org.ana.post(`/calls/${call.id}/transfer`, { toUserId: org.luis.id });
    assert.equal((await org.luis.post(`/calls/${call.id}/transfer/accept`)).status, 200);
    await assertEnded(s, "transferred");
    assert.equal((await getCall(org.luis, call.id)).agentId, org.luis.id);
    const s2 = await startCoaching(org.sofia, call.id);
    assert.equal(s2.agentId, org.luis.id);
    await org.luis.post(`/calls/${call.id}/hangup`);
    await assertEnded(s2, "call_ended");
    assert.equal((await org.sofia.get<{ user: User }>("/me")).body.user.availability, "available");
  });

  it("the agent keeps every call action while coached; notify and first-audible are recorded", async () => {
    await hangUpAll();
    const call = await liveCall(org.admin, org.ana, org.support);
    const s = await startCoaching(org.sofia, call.id, { notifyUser: false });
    assert.equal(s.agentAwareAt, null);
    for (const action of ["mute", "unmute", "hold", "resume"]) {
      const r = await org.ana.post(`/calls/${call.id}/${action}`);
      assert.equal(r.status, 200, `${action}: ${JSON.stringify(r.body)}`);
    }
    assert.equal((await org.ana.post(`/calls/${call.id}/tags`, { tag: "billing" })).status, 200);
    assert.equal(
      (await org.ana.post(`/calls/${call.id}/comments`, { text: "Asked for a refund" })).status,
      201,
    );
    const w = await org.sofia.patch<{ session: CoachingSession }>(`/coaching-sessions/${s.id}`, {
      mode: "whisper",
    });
    assert.ok(w.body.session.agentAwareAt, "the agent is told the moment the coach becomes audible");
    const m = await org.sofia.post(`/coaching-sessions/${s.id}/messages`, { text: "Offer the 10% discount" });
    assert.equal(m.status, 201);
    const c = await getCall(org.ana, call.id);
    assert.deepEqual(c.tags, ["billing"]);
    assert.equal(c.comments[0].text, "Asked for a refund");
    assert.equal(c.coachingSession?.mode, "whisper");
    // The text whispers come with the call for its coach and agent (the coach panel's history),
    // never for another monitor (a whisper's audience is those two).
    const texts = async (who: typeof org.sofia) =>
      (await getCall(who, call.id)).coachingSession?.messages.map((x) => x.text);
    assert.deepEqual(await texts(org.sofia), ["Offer the 10% discount"]);
    assert.deepEqual(
      c.coachingSession?.messages.map((x) => x.text),
      ["Offer the 10% discount"],
    );
    assert.deepEqual(await texts(org.marco), []);
    await org.ana.post(`/calls/${call.id}/hangup`);
    const audit = (
      await org.admin.get<{ sessions: CoachingSession[] }>(`/coaching-sessions?callId=${call.id}`)
    ).body.sessions;
    assert.equal(audit.length, 1);
    assert.deepEqual(audit[0].modesUsed, ["listen", "whisper"]);
    assert.equal(audit[0].endReason, "call_ended");
    assert.equal(audit[0].notifyUser, false);
    assert.ok((audit[0].durationMs ?? -1) >= 0);
    assert.deepEqual(
      audit[0].messages.map((x) => x.text),
      ["Offer the 10% discount"],
    );
    const asAna = (await org.ana.get<{ sessions: CoachingSession[] }>("/coaching-sessions")).body.sessions;
    assert.ok(asAna.every((x) => x.agentId === org.ana.id));
  });

  async function assertEnded(s: CoachingSession, reason: string) {
    const audit = (
      await org.admin.get<{ sessions: CoachingSession[] }>(`/coaching-sessions?callId=${s.callId}`)
    ).body.sessions;
    const ended = audit.find((x) => x.id === s.id);
    assert.ok(ended?.endedAt, "session ended");
    assert.equal(ended.endReason, reason);
  }

  async function waitState(client: Client, id: string, state: string) {
    for (let i = 0; i < 50; i++) {
      if ((await getCall(client, id)).state === state) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.fail(`call ${id} never reached ${state}`);
  }
});
