// Coaching notes (issue 15): a supervisor leaves a note on a coaching session once its call
// ended; only those the call's grant allows (the grant is the API's refusal); kept with the
// session's audit record (GET /coaching-sessions) and shown with it in the call history.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Call, CoachingNote, CoachingSession } from "../../src/protocol/resources.ts";
import { assertRefused, startCoaching } from "../support/calls.ts";
import { answered, hangUp, historyPage } from "../support/history.ts";
import { type Client, demoOrg, startApp, type TestServer } from "../support/server.ts";

const CARMEN = "+34600111222";
const JOHN = "+447700900123";

describe("coaching notes", () => {
  let server: TestServer;
  let org: Awaited<ReturnType<typeof demoOrg>>;
  before(async () => {
    server = await startApp();
    org = await demoOrg(server.url);
  });
  after(() => server.close());

  it("a coaching note: only after the call ended, only by a supervisor the grant allows, kept in the audit", async () => {
    const call = await answered(org.admin, org.ana, org.support, CARMEN);
    const session = await startCoaching(org.sofia, call.id, { notifyUser: true });
    const note = (who: Client, text: unknown, id = session.id) =>
      who.post<{ note: CoachingNote }>(`/coaching-sessions/${id}/notes`, { text });

    // While the call is live: refused, and the call's grant says the same.
    const early = await note(org.sofia, "Good opening");
    assertRefused(early, "call_not_ended");
    const liveGrant = (await org.sofia.get<{ call: Call }>(`/calls/${call.id}`)).body.call.grants
      ?.coachingNote;
    assert.deepEqual({ code: liveGrant?.code, message: liveGrant?.message }, early.body.error);
    await org.sofia.delete(`/coaching-sessions/${session.id}`);
    await hangUp(org.ana, call.id);

    // After the end: each refused grant is the API's refusal, code and sentence.
    for (const [who, code] of [
      [org.ana, "role_not_allowed"],
      [org.luis, "not_found"],
    ] as const) {
      const r = await note(who, "Nice");
      assert.equal(r.body.error?.code, code, `${who.user?.name}`);
    }
    const grantOf = async (who: Client) =>
      (await historyPage(who, `?agentId=${org.ana.id}&limit=100`)).calls.find((c) => c.id === call.id)?.grants
        ?.coachingNote;
    const anaGrant = await grantOf(org.ana);
    const anaRefusal = await note(org.ana, "Nice");
    assert.deepEqual({ code: anaGrant?.code, message: anaGrant?.message }, anaRefusal.body.error);
    assert.equal(anaRefusal.status, 403);

    // Validation: empty, blank, too long; unknown session.
    for (const text of ["", "   \n ", "x".repeat(2001), 42]) {
      const r = await note(org.sofia, text);
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.equal(r.body.error?.code, "validation_failed");
    }
    assert.equal((await note(org.sofia, "Hi", "nosuchsession")).status, 404);

    const written = await note(org.sofia, "  Good opening, close the refund faster next time.  ");
    assert.equal(written.status, 201, JSON.stringify(written.body));
    assert.equal(written.body.note.text, "Good opening, close the refund faster next time.", "trimmed");
    assert.equal(written.body.note.authorName, "Sofia");
    const long = await note(org.marco, "y".repeat(2000));
    assert.equal(long.status, 201, "marco (in Support's distribution) may too, up to 2000 characters");

    // Kept with the audit record, and shown with the session in the history.
    for (const who of [org.sofia, org.admin]) {
      const audit = await who.get<{ sessions: CoachingSession[] }>(`/coaching-sessions?callId=${call.id}`);
      assert.equal(audit.status, 200);
      assert.deepEqual(
        audit.body.sessions[0].notes.map((n) => [n.authorName, n.text.length]),
        [
          ["Sofia", 48],
          ["Marco", 2000],
        ],
        `${who.user?.name}'s audit`,
      );
    }
    const inHistory = (await historyPage(org.ana, "")).calls.find((c) => c.id === call.id);
    assert.deepEqual(
      inHistory?.coachingSessions?.[0].notes.map((n) => n.authorId),
      [org.sofia.id, org.marco.id],
      "the agent reads the notes on their coaching",
    );

    // A supervisor outside the number's distribution may not (marco is not in Sales').
    const sales = await answered(org.admin, org.luis, org.sales, JOHN);
    const salesSession = await startCoaching(org.sofia, sales.id, { notifyUser: true });
    await org.sofia.delete(`/coaching-sessions/${salesSession.id}`);
    await hangUp(org.luis, sales.id);
    const outside = await note(org.marco, "Hm", salesSession.id);
    assertRefused(outside, "not_in_line_distribution");
    const marcoGrant = (await historyPage(org.marco, `?numberId=${org.sales}`)).calls.find(
      (c) => c.id === sales.id,
    )?.grants?.coachingNote;
    assert.deepEqual({ code: marcoGrant?.code, message: marcoGrant?.message }, outside.body.error);
    assert.equal((await note(org.admin, "Fine", salesSession.id)).status, 201, "an admin may on any number");
  });
});
