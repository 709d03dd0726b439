// A new coaching note is told (coaching.note_added) to who may read the call's history: another
// supervisor's open history page shows it without a reload, and the call's agent, who reads the
// notes on their coaching, gets it once aware of the session; an agent of no part in it, or the
// agent of a silent listen they never knew of, does not.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { ServerMessage } from "../../src/protocol/messages.ts";
import type { CoachingNote } from "../../src/protocol/resources.ts";
import { liveCall, startCoaching } from "../support/calls.ts";
import { type Client, demoOrg, startServer, type TestServer } from "../support/server.ts";
import { EventClient } from "../support/ws.ts";

type NoteAdded = Extract<ServerMessage, { type: "coaching.note_added" }>;

describe("coaching.note_added", () => {
  let server: TestServer;
  let org: Awaited<ReturnType<typeof demoOrg>>;
  before(async () => {
    server = await startServer();
    org = await demoOrg(server.url);
  });
  after(() => server.close());

  const connect = (c: Client) => EventClient.connect(server.url, `token=${c.token}`);

  /** A coached call of ana's that ended, and sofia's note on its session. */
  async function notedCall(notifyUser: boolean, text: string) {
    const call = await liveCall(org.admin, org.ana, org.support);
    const session = await startCoaching(org.sofia, call.id, { notifyUser });
    assert.equal((await org.sofia.delete(`/coaching-sessions/${session.id}`)).status, 200);
    assert.equal((await org.ana.post(`/calls/${call.id}/hangup`)).status, 200);
    const r = await org.sofia.post<{ note: CoachingNote }>(`/coaching-sessions/${session.id}/notes`, {
      text,
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return { call, session, note: r.body.note };
  }

  /**
   * `who` changes their availability and `socket` waits for that user.updated (to everyone of
   * the org): whatever was published before it has reached `socket` by then.
   */
  async function settled(who: Client, socket: EventClient, availability: "available" | "unavailable") {
    assert.equal((await who.patch("/me", { availability })).status, 200);
    await socket.next(
      (e) => e.type === "user.updated" && e.user.id === who.id && e.user.availability === availability,
    );
  }

  it("reaches another supervisor and the aware agent, not an agent of no part in it", async () => {
    const [marco, ana, luis] = await Promise.all([connect(org.marco), connect(org.ana), connect(org.luis)]);
    try {
      const { call, session, note } = await notedCall(true, "Good empathy, confirm the address sooner");
      const seen = (await marco.next(
        (e) => e.type === "coaching.note_added" && e.note.id === note.id,
      )) as NoteAdded;
      assert.deepEqual(seen.note, note, "the note as the author's answer has it");
      assert.deepEqual(
        [seen.session.id, seen.session.callId, seen.session.agentId],
        [session.id, call.id, org.ana.id],
      );
      await ana.next((e) => e.type === "coaching.note_added" && e.note.id === note.id);
      await settled(org.luis, luis, "unavailable");
      assert.ok(!luis.has((e) => e.type === "coaching.note_added"), "an agent not on the call is not told");
      await settled(org.luis, luis, "available");
    } finally {
      for (const s of [marco, ana, luis]) s.close();
    }
  });

  it("never reaches the agent of a silent listen they never knew of", async () => {
    const [marco, ana] = await Promise.all([connect(org.marco), connect(org.ana)]);
    try {
      const { note } = await notedCall(false, "Listened only");
      await marco.next((e) => e.type === "coaching.note_added" && e.note.id === note.id);
      await settled(org.ana, ana, "unavailable");
      assert.ok(!ana.has((e) => e.type === "coaching.note_added"), "none of the agent's business");
      await settled(org.ana, ana, "available");
    } finally {
      for (const s of [marco, ana]) s.close();
    }
  });
});
