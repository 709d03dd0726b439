// One-click Whisper / Barge (POST /calls/:id/coaching with `mode`): one request starts the
// session in that mode, under the same rules as a switch to it (barge needs Live Monitoring+),
// audited as the mode it started in; the agent is told once, never "listening" first.
import assert from "node:assert/strict";
import { after, afterEach, before, describe, it } from "node:test";
import type { Call, CoachingSession, User } from "../../src/protocol/resources.ts";
import { assertRefused, getCall, liveCall, startCoaching } from "../support/calls.ts";
import { type Client, demoOrg, startServer, type TestServer } from "../support/server.ts";
import { EventClient } from "../support/ws.ts";

describe("starting a coaching session in a mode", () => {
  let server: TestServer;
  let org: Awaited<ReturnType<typeof demoOrg>>;
  before(async () => {
    server = await startServer();
    org = await demoOrg(server.url);
  });
  after(() => server.close());

  let cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const step of cleanup) await step();
    cleanup = [];
  });
  async function setup(...clients: Client[]) {
    const sockets = await Promise.all(
      clients.map((c) => EventClient.connect(server.url, `token=${c.token}`)),
    );
    const call = await liveCall(org.admin, org.ana, org.support);
    cleanup.push(
      () => org.ana.post(`/calls/${call.id}/hangup`),
      async () => {
        for (const s of sockets) s.close();
      },
    );
    return { sockets, call };
  }

  it("whisper: one session in whisper, the agent told once, audited as whisper", async () => {
    const {
      sockets: [ana],
      call,
    } = await setup(org.ana);
    const s = await startCoaching(org.sofia, call.id, { mode: "whisper" });
    assert.equal(s.mode, "whisper");
    assert.deepEqual(s.modesUsed, ["whisper"], "never in listen");
    assert.ok(s.agentAwareAt, "audible from the start: the agent is aware at once");
    assert.deepEqual(
      [s.hearing.agentHearsCoach, s.hearing.customerHearsCoach],
      [true, false],
      "the agent hears the coach, the customer does not",
    );
    await ana.next((e) => e.type === "coaching.notify" && e.session.id === s.id);
    await ana.next((e) => e.type === "call.updated" && e.call.coachingSession?.id === s.id);
    const about = ana.events.filter((e) => "session" in e && (e.session as CoachingSession).id === s.id);
    assert.deepEqual(
      about.map((e) => `${e.type}:${(e as { session: CoachingSession }).session.mode}`),
      ["coaching.started:whisper", "coaching.notify:whisper"],
      "the agent's socket never shows a listen state",
    );
    assert.equal((await getCall(org.ana, call.id)).coachingSession?.mode, "whisper");
    const log = await org.admin.get<{ sessions: CoachingSession[] }>(`/coaching-sessions?callId=${call.id}`);
    assert.deepEqual(
      log.body.sessions.map((k) => [k.id, k.mode, k.modesUsed]),
      [[s.id, "whisper", ["whisper"]]],
    );
  });

  it("barge: refused with barge_not_allowed without Live Monitoring+ (no session), allowed with it", async () => {
    const { call } = await setup();
    const marco = (await org.marco.get<{ user: User }>("/me")).body.user;
    assert.equal(marco.monitoringAccess, "live_monitoring");
    assertRefused(await org.marco.post(`/calls/${call.id}/coaching`, { mode: "barge" }), "barge_not_allowed");
    const after = await getCall(org.admin, call.id);
    assert.equal(after.coachingSession, null, "a refused start leaves no session behind");
    assert.equal((await org.marco.get<{ user: User }>("/me")).body.user.coachingSessionId, null);
    assert.equal(
      (await org.admin.get<{ sessions: CoachingSession[] }>(`/coaching-sessions?callId=${call.id}`)).body
        .sessions.length,
      0,
      "nothing audited for a refused start",
    );

    const b = await startCoaching(org.sofia, call.id, { mode: "barge" });
    assert.deepEqual([b.mode, b.modesUsed], ["barge", ["barge"]]);
    assert.equal(b.hearing.customerHearsCoach, true);
    const left = await org.sofia.delete<{ session: CoachingSession }>(`/coaching-sessions/${b.id}`);
    assert.deepEqual(left.body.session.modesUsed, ["barge"]);
  });

  it("the policy still comes first, and a mode that is not one is a 400", async () => {
    const { call } = await setup();
    assertRefused(await org.ana.post(`/calls/${call.id}/coaching`, { mode: "whisper" }), "role_not_allowed");
    const bad = await org.sofia.post<{ error?: { code: string } }>(`/calls/${call.id}/coaching`, {
      mode: "shout",
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error?.code, "validation_failed");
    const listen = await startCoaching(org.sofia, call.id);
    assert.deepEqual([listen.mode, listen.agentAwareAt], ["listen", null], "listen stays the default");
    const seen: Call = await getCall(org.ana, call.id);
    assert.equal(seen.coachingSession, null, "a silent listener stays unknown to the agent");
  });
});
