// Permissions bite at once (SPEC §7, issue 13): a change to a coach's role, monitoring access
// or line distribution re-runs the supervision policy for their active session before the
// change is acknowledged. Losing Live Monitoring+ drops barge to whisper; losing the right to
// coach ends the session (permission_changed), and mode changes and text whispers are refused.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { ServerMessage } from "../../src/protocol/messages.ts";
import type { CoachingSession, User } from "../../src/protocol/resources.ts";
import { assertRefused, liveCall, startCoaching } from "../support/calls.ts";
import { demoOrg, startServer, type TestServer } from "../support/server.ts";
import { EventClient } from "../support/ws.ts";

describe("permission changes and active coaching sessions", () => {
  let server: TestServer;
  let org: Awaited<ReturnType<typeof demoOrg>>;
  let supportUsers: string[];
  before(async () => {
    server = await startServer();
    org = await demoOrg(server.url);
    supportUsers = (await org.admin.get<{ number: { userIds: string[] } }>(`/numbers/${org.support}`)).body
      .number.userIds;
    assert.ok(supportUsers.includes(org.sofia.id));
  });
  after(() => server.close());

  const session = async (id: string) =>
    (
      await org.admin.get<{ sessions: CoachingSession[] }>("/coaching-sessions?limit=1000")
    ).body.sessions.find((s) => s.id === id) as CoachingSession;
  const restoreSofia = async () => {
    await org.admin.patch(`/users/${org.sofia.id}`, {
      role: "supervisor",
      monitoringAccess: "live_monitoring_plus",
    });
    await org.admin.patch(`/numbers/${org.support}`, { userIds: supportUsers });
  };

  /** sofia barges into a live call of ana's, her socket recording. */
  async function barging() {
    const call = await liveCall(org.admin, org.ana, org.support);
    const ws = await EventClient.connect(server.url, `token=${org.sofia.token}`);
    const s = await startCoaching(org.sofia, call.id);
    assert.equal((await org.sofia.patch(`/coaching-sessions/${s.id}`, { mode: "barge" })).status, 200);
    return { call, s, ws };
  }

  it("cut to Live Monitoring: barge drops to whisper, in the audit, before the response", async () => {
    const { call, s, ws } = await barging();
    const r = await org.admin.patch<{ user: User }>(`/users/${org.sofia.id}`, {
      monitoringAccess: "live_monitoring",
    });
    assert.equal(r.status, 200);
    // Acknowledged means done: the session is in whisper already, and she was told.
    const now = await session(s.id);
    assert.equal(now.mode, "whisper");
    assert.equal(now.endedAt, null);
    assert.deepEqual(now.modesUsed, ["listen", "barge", "whisper"]);
    await ws.next((e: ServerMessage) => e.type === "coaching.mode_changed" && e.session.mode === "whisper");
    assertRefused(
      await org.sofia.patch(`/coaching-sessions/${s.id}`, { mode: "barge" }),
      "barge_not_allowed",
    );
    // Whisper and text whispers go on: Live Monitoring allows them.
    assert.equal((await org.sofia.patch(`/coaching-sessions/${s.id}`, { mode: "listen" })).status, 200);
    assert.equal((await org.sofia.post(`/coaching-sessions/${s.id}/messages`, { text: "ok" })).status, 201);
    ws.close();
    await org.ana.post(`/calls/${call.id}/hangup`);
    await restoreSofia();
  });

  for (const change of [
    {
      what: "made an agent",
      code: "role_not_allowed",
      apply: () => org.admin.patch(`/users/${org.sofia.id}`, { role: "agent" }),
    },
    {
      what: "left without monitoring access",
      code: "no_monitoring_access",
      apply: () => org.admin.patch(`/users/${org.sofia.id}`, { monitoringAccess: "none" }),
    },
    {
      what: "removed from the number's distribution",
      code: "not_in_line_distribution",
      apply: () =>
        org.admin.patch(`/numbers/${org.support}`, {
          userIds: supportUsers.filter((id) => id !== org.sofia.id),
        }),
    },
  ]) {
    it(`${change.what}: the session ends (permission_changed) and nothing more is allowed`, async () => {
      await org.sofia.patch("/me", { availability: "available" });
      const { call, s, ws } = await barging();
      const r = await change.apply();
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const ended = await session(s.id);
      assert.equal(ended.endReason, "permission_changed");
      assert.ok(ended.endedAt);
      // She is told why, and her availability is what it was before coaching.
      await ws.next(
        (e: ServerMessage) => e.type === "coaching.ended" && e.session.endReason === "permission_changed",
      );
      const me = (await org.sofia.get<{ user: User }>("/me")).body.user;
      assert.equal(me.availability, "available");
      assert.equal(me.coachingSessionId, null);
      // No mode change, no text whisper: the policy's reason, 403.
      for (const mode of ["listen", "whisper", "barge"]) {
        const refused = await org.sofia.patch(`/coaching-sessions/${s.id}`, { mode });
        assert.equal(refused.status, 403, JSON.stringify(refused.body));
        assert.equal(refused.body.error?.code, change.code);
      }
      const text = await org.sofia.post(`/coaching-sessions/${s.id}/messages`, { text: "still here?" });
      assert.equal(text.status, 403, JSON.stringify(text.body));
      assert.equal(text.body.error?.code, change.code);
      // The call goes on without a coach; the agent was told the session ended.
      const fresh = (
        await org.ana.get<{ call: { state: string; coachingSession: unknown } }>(`/calls/${call.id}`)
      ).body.call;
      assert.equal(fresh.state, "in_progress");
      assert.equal(fresh.coachingSession, null);
      ws.close();
      await org.ana.post(`/calls/${call.id}/hangup`);
      await restoreSofia();
    });
  }

  it("a change that keeps the permission leaves the session alone", async () => {
    const { call, s, ws } = await barging();
    assert.equal((await org.admin.patch(`/users/${org.sofia.id}`, { name: "Sofía" })).status, 200);
    assert.equal((await org.admin.patch(`/numbers/${org.support}`, { userIds: supportUsers })).status, 200);
    const now = await session(s.id);
    assert.equal(now.mode, "barge");
    assert.equal(now.endedAt, null);
    ws.close();
    await org.ana.post(`/calls/${call.id}/hangup`);
    await org.admin.patch(`/users/${org.sofia.id}`, { name: "Sofia" });
  });
});
