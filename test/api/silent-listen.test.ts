// A coach who joins in listen without Notify user is invisible to the agent until the server
// makes them aware (SPEC §3: told at join with Notify user, else the moment the coach first
// becomes audible). The server enforces it on every path the agent reads: their socket's
// events, GET /calls and /calls/:id, their action answers and their audit log.
import assert from "node:assert/strict";
import { after, afterEach, before, describe, it } from "node:test";
import type { ServerMessage } from "../../src/protocol/messages.ts";
import type { Call, CoachingSession, User } from "../../src/protocol/resources.ts";
import { getCall, liveCall, startCoaching } from "../support/calls.ts";
import { type Client, demoOrg, startServer, type TestServer } from "../support/server.ts";
import { EventClient } from "../support/ws.ts";

/** Anything in `e` about `sessionId`: a coaching event of it, a call or a coach carrying it. */
const aboutSession = (sessionId: string) => (e: ServerMessage) =>
  ("session" in e && (e.session as CoachingSession).id === sessionId) ||
  ("call" in e && (e.call as Call).coachingSession?.id === sessionId) ||
  ("user" in e && (e.user as User | null)?.coachingSessionId === sessionId);

describe("a silent listener (listen without Notify user)", () => {
  let server: TestServer;
  let org: Awaited<ReturnType<typeof demoOrg>>;
  before(async () => {
    server = await startServer();
    org = await demoOrg(server.url);
  });
  after(() => server.close());

  const connect = (c: Client) => EventClient.connect(server.url, `token=${c.token}`);
  /** Each test's sockets and call go at its end, failed or not (the next one needs ana free). */
  let cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const step of cleanup) await step();
    cleanup = [];
  });
  async function setup(...clients: Client[]) {
    const sockets = await Promise.all(clients.map(connect));
    const call = await liveCall(org.admin, org.ana, org.support);
    cleanup.push(
      () => org.ana.post(`/calls/${call.id}/hangup`),
      async () => {
        for (const s of sockets) s.close();
      },
    );
    return { sockets, call };
  }

  /**
   * The agent tags the call and waits for that tag's call.updated: every event published
   * before it (one bus, in order per socket) has reached the agent's socket by then.
   */
  async function settled(agent: EventClient, callId: string, tag: string): Promise<Call> {
    const r = await org.ana.post<{ call: Call }>(`/calls/${callId}/tags`, { tag });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    await agent.next((e) => e.type === "call.updated" && e.call.id === callId && e.call.tags.includes(tag));
    return r.body.call;
  }

  it("is none of the agent's business until audible, then flows as any session", async () => {
    const {
      sockets: [ana, marco],
      call,
    } = await setup(org.ana, org.marco);
    assert.equal((await org.ana.post(`/calls/${call.id}/hand`, { raised: true })).status, 200);
    await ana.next((e) => e.type === "hand.raised" && e.call.id === call.id);

    const s = await startCoaching(org.sofia, call.id, { notifyUser: false });
    // A monitor sees it at once: the session, the call carrying it, the hand going down with it.
    await marco.next((e) => e.type === "coaching.started" && e.session.id === s.id);
    await marco.next((e) => e.type === "hand.lowered" && e.call.coachingSession?.id === s.id);
    assert.equal((await getCall(org.marco, call.id)).coachingSession?.id, s.id);

    const tagged = await settled(ana, call.id, "silent");
    await ana.next((e) => e.type === "hand.lowered" && e.call.id === call.id);
    assert.deepEqual(
      ana.events.filter(aboutSession(s.id)).map((e) => e.type),
      [],
      "the agent's socket carries nothing of the session",
    );
    assert.ok(!ana.has((e) => e.type.startsWith("coaching.")));
    assert.equal(tagged.coachingSession, null, "nor does the answer to the agent's own action");
    assert.equal((await getCall(org.ana, call.id)).coachingSession, null);
    const list = await org.ana.get<{ calls: Call[] }>("/calls?live=true");
    assert.equal(list.body.calls.find((c) => c.id === call.id)?.coachingSession, null);
    const log = await org.ana.get<{ sessions: CoachingSession[] }>(`/coaching-sessions?callId=${call.id}`);
    assert.deepEqual(log.body.sessions, []);
    // Nor the coach's own state: to ana, sofia is unavailable, not coaching; a monitor sees it.
    const sofiaId = (org.sofia.user as User).id;
    const coachTo = async (c: Client) => {
      const all = (await c.get<{ users: User[] }>("/users")).body.users.find((u) => u.id === sofiaId);
      const one = (await c.get<{ user: User }>(`/users/${sofiaId}`)).body.user;
      assert.deepEqual(one, all, "GET /users/:id says what GET /users does");
      return one;
    };
    assert.deepEqual(
      [(await coachTo(org.ana)).state, (await coachTo(org.ana)).coachingSessionId],
      ["unavailable", null],
    );
    assert.equal((await coachTo(org.marco)).coachingSessionId, s.id);
    assert.ok(
      ana.events.some(
        (e) => e.type === "user.updated" && e.user.id === sofiaId && e.user.state === "unavailable",
      ),
      "ana was told the coach's state, without the session",
    );

    // The coach becomes audible: the agent is told, and from then on sees the session.
    const whisper = await org.sofia.patch(`/coaching-sessions/${s.id}`, { mode: "whisper" });
    assert.equal(whisper.status, 200, JSON.stringify(whisper.body));
    await ana.next((e) => e.type === "coaching.notify" && e.session.id === s.id);
    await ana.next((e) => e.type === "coaching.mode_changed" && e.session.mode === "whisper");
    await ana.next((e) => e.type === "user.updated" && e.user.coachingSessionId === s.id);
    assert.equal((await coachTo(org.ana)).state, "coaching");
    const seen = await getCall(org.ana, call.id);
    assert.equal(seen.coachingSession?.id, s.id);
    assert.ok(seen.coachingSession?.agentAwareAt);
    assert.equal((await settled(ana, call.id, "aware")).coachingSession?.id, s.id);
    await ana.next((e) => e.type === "call.updated" && e.call.coachingSession?.id === s.id);
    const known = await org.ana.get<{ sessions: CoachingSession[] }>(`/coaching-sessions?callId=${call.id}`);
    assert.deepEqual(
      known.body.sessions.map((k) => k.id),
      [s.id],
    );

    await org.ana.post(`/calls/${call.id}/hangup`);
    await ana.next((e) => e.type === "coaching.ended" && e.session.id === s.id);
  });

  it("joins and leaves in listen: the agent's socket has nothing about it", async () => {
    const {
      sockets: [ana, marco],
      call,
    } = await setup(org.ana, org.marco);
    const s = await startCoaching(org.sofia, call.id, { notifyUser: false });
    assert.equal((await org.sofia.delete(`/coaching-sessions/${s.id}`)).status, 200);
    await marco.next((e) => e.type === "coaching.ended" && e.session.id === s.id);
    await settled(ana, call.id, "after-leave");
    assert.deepEqual(
      ana.events.filter(aboutSession(s.id)).map((e) => e.type),
      [],
    );
    assert.ok(!ana.has((e) => e.type.startsWith("coaching.")));
  });

  it("a text whisper makes the agent aware first: told who coaches them, then the text", async () => {
    const {
      sockets: [ana],
      call,
    } = await setup(org.ana);
    const s = await startCoaching(org.sofia, call.id, { notifyUser: false });
    const r = await org.sofia.post(`/coaching-sessions/${s.id}/messages`, {
      text: "ask for the order number",
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    await ana.next((e) => e.type === "coaching.message");
    const types = ana.events.filter(aboutSession(s.id)).map((e) => e.type);
    assert.ok(types.includes("coaching.notify"), `told before the text: ${types.join(", ")}`);
    const notifyAt = ana.events.findIndex((e) => e.type === "coaching.notify");
    const textAt = ana.events.findIndex((e) => e.type === "coaching.message");
    assert.ok(notifyAt < textAt, "the notice comes before the text");
    assert.ok((await getCall(org.ana, call.id)).coachingSession?.agentAwareAt, "the session records it");
  });

  it("joins with Notify user: the agent sees it at once", async () => {
    const {
      sockets: [ana],
      call,
    } = await setup(org.ana);
    const s = await startCoaching(org.sofia, call.id, { notifyUser: true });
    await ana.next((e) => e.type === "coaching.started" && e.session.id === s.id);
    await ana.next((e) => e.type === "coaching.notify" && e.session.id === s.id);
    await ana.next((e) => e.type === "call.updated" && e.call.coachingSession?.id === s.id);
    assert.equal((await getCall(org.ana, call.id)).coachingSession?.id, s.id);
    await org.ana.post(`/calls/${call.id}/hangup`);
    await ana.next((e) => e.type === "coaching.ended" && e.session.id === s.id);
  });
});
