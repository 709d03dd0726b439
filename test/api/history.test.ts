// The call history (issue 15, docs/ARCHITECTURE.md "The call history"): GET /calls without
// live=true, per agent, contact or number, newest first and paged, with each call's outcome,
// tags, comments and coaching sessions; who may see what; and the coaching notes a supervisor
// leaves on a session once its call ended (coaching-notes.test.ts).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { CallPage } from "../../src/control/CallHistory.ts";
import type { Call, CoachingSession, User } from "../../src/protocol/resources.ts";
import { assertRefused, startCoaching } from "../support/calls.ts";
import { answered, hangUp, historyPage } from "../support/history.ts";
import { Client, demoOrg, startApp, type TestServer } from "../support/server.ts";

const CARMEN = "+34600111222";
const JOHN = "+447700900123";

describe("call history and coaching notes", () => {
  let server: TestServer;
  let org: Awaited<ReturnType<typeof demoOrg>>;
  let contacts: { id: string; name: string }[];
  before(async () => {
    server = await startApp();
    org = await demoOrg(server.url);
    contacts = (await org.admin.get<{ contacts: { id: string; name: string }[] }>("/contacts")).body.contacts;
  });
  after(() => server.close());

  const contactId = (name: string) => contacts.find((c) => c.name === name)?.id as string;

  /** ana's call from Carmen on Support: a tag, a comment, sofia coaching (notified, then whisper), ended. */
  async function coachedCall(): Promise<{ call: Call; session: CoachingSession }> {
    const call = await answered(org.admin, org.ana, org.support, CARMEN);
    assert.equal((await org.ana.post(`/calls/${call.id}/tags`, { tag: "billing" })).status, 200);
    assert.equal((await org.ana.post(`/calls/${call.id}/comments`, { text: "Refund promised" })).status, 201);
    const session = await startCoaching(org.sofia, call.id, { notifyUser: true });
    assert.equal(
      (await org.sofia.patch(`/coaching-sessions/${session.id}`, { mode: "whisper" })).status,
      200,
    );
    assert.equal(
      (await org.sofia.post(`/coaching-sessions/${session.id}/messages`, { text: "Smile" })).status,
      201,
    );
    assert.equal((await org.sofia.delete(`/coaching-sessions/${session.id}`)).status, 200);
    await hangUp(org.ana, call.id);
    return { call, session };
  }

  const ids = (p: CallPage) => p.calls.map((c) => c.id);

  it("per agent, contact and number: the outcome, tags, comments and coaching sessions", async () => {
    const { call, session } = await coachedCall();
    const sales = await answered(org.admin, org.luis, org.sales, JOHN);
    await hangUp(org.luis, sales.id);

    const byAgent = await historyPage(org.sofia, `?agentId=${org.ana.id}`);
    assert.ok(ids(byAgent).includes(call.id) && !ids(byAgent).includes(sales.id), "ana's calls only");
    const seen = byAgent.calls.find((c) => c.id === call.id) as Call;
    assert.equal(seen.state, "ended");
    assert.equal(seen.endReason, "hangup_agent", "the outcome");
    assert.ok(seen.answeredAt && seen.endedAt, "its duration's ends");
    assert.deepEqual(seen.tags, ["billing"]);
    assert.deepEqual(
      seen.comments.map((c) => [c.text, c.authorId]),
      [["Refund promised", org.ana.id]],
    );
    assert.equal(seen.contactName, "Carmen Ruiz");
    const [s] = seen.coachingSessions ?? [];
    assert.equal(seen.coachingSessions?.length, 1, "its coaching session");
    assert.equal(s.id, session.id);
    assert.equal(s.coachName, "Sofia");
    assert.deepEqual(s.modesUsed, ["listen", "whisper"]);
    assert.equal(s.endReason, "coach_left");
    assert.ok(typeof s.durationMs === "number" && s.durationMs >= 0, "how long it lasted");
    assert.deepEqual(
      s.messages.map((m) => m.text),
      ["Smile"],
      "the coach sees the whispers they sent",
    );
    assert.deepEqual(s.notes, []);
    assert.ok(seen.grants?.coachingNote.allowed, "sofia may leave a coaching note on it");

    const marcos = (await historyPage(org.marco, `?agentId=${org.ana.id}`)).calls.find(
      (c) => c.id === call.id,
    );
    assert.deepEqual(
      marcos?.coachingSessions?.[0].messages,
      [],
      "whispers are the coach's and the agent's only",
    );

    const byContact = await historyPage(org.sofia, `?contactId=${contactId("Carmen Ruiz")}`);
    assert.ok(ids(byContact).includes(call.id) && !ids(byContact).includes(sales.id), "Carmen's calls");
    assert.ok(byContact.calls.every((c) => c.contactId === contactId("Carmen Ruiz")));
    const byNumber = await historyPage(org.sofia, `?numberId=${org.sales}`);
    assert.ok(ids(byNumber).includes(sales.id) && !ids(byNumber).includes(call.id), "Sales' calls");
    assert.ok(byNumber.calls.every((c) => c.numberId === org.sales));
    assert.equal(byNumber.calls.find((c) => c.id === sales.id)?.coachingSessions?.length, 0);
    const johns = await historyPage(
      org.sofia,
      `?contactId=${contactId("John Miller")}&numberId=${org.sales}`,
    );
    assert.deepEqual(ids(johns).slice(0, 1), [sales.id], "filters combine");
  });

  it("pages newest first: each page's nextBefore continues where it stopped, none repeated or skipped", async () => {
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      const c = await answered(org.admin, org.luis, org.sales, `+3461000000${i}`);
      await hangUp(org.luis, c.id);
      made.push(c.id);
    }
    const all = await historyPage(org.admin, `?agentId=${org.luis.id}&limit=100`);
    assert.equal(all.nextBefore, null, "everything fits: no next page");
    const stamps = all.calls.map((c) => Date.parse(c.createdAt));
    assert.deepEqual(
      stamps,
      [...stamps].sort((a, b) => b - a),
      "newest first",
    );
    assert.deepEqual(ids(all).slice(0, 5), [...made].reverse());
    const walked: string[] = [];
    let cursor: string | null = "";
    let pages = 0;
    while (cursor !== null) {
      const p = await historyPage(
        org.admin,
        `?agentId=${org.luis.id}&limit=2${cursor ? `&before=${encodeURIComponent(cursor)}` : ""}`,
      );
      assert.ok(p.calls.length <= 2);
      walked.push(...ids(p));
      cursor = p.nextBefore;
      pages++;
    }
    assert.deepEqual(walked, ids(all), "the pages together are the whole history, in order");
    assert.equal(pages, Math.ceil(ids(all).length / 2));
    const beforeTime = all.calls[2].createdAt;
    const older = await historyPage(org.admin, `?agentId=${org.luis.id}&before=${beforeTime}`);
    assert.ok(
      older.calls.every((c) => Date.parse(c.createdAt) <= Date.parse(beforeTime)),
      "a plain time: calls created before it",
    );
    assert.ok(!ids(older).includes(all.calls[1].id));
  });

  it("calls created at the same instant are neither skipped nor repeated across pages", async () => {
    // One transaction: now() is the same for every row, so only the id orders them.
    const { store } = server.earshot.services.ctx;
    const model = await store.getCall((await answered(org.admin, org.ana, org.support, CARMEN)).id);
    assert.ok(model);
    const tied = ["tie-a", "tie-b", "tie-c", "tie-d"];
    await store.transaction(async (tx) => {
      for (const id of tied) {
        const { createdAt: _, ...rest } = model;
        await tx.insertCall({
          ...rest,
          id,
          agentId: org.marco.id,
          state: "ended",
          endedAt: new Date(),
          endReason: "hangup_agent",
        });
      }
    });
    await hangUp(org.ana, model.id);
    const walked: string[] = [];
    let cursor: string | null = "";
    while (cursor !== null) {
      const p = await historyPage(
        org.admin,
        `?agentId=${org.marco.id}&limit=1${cursor ? `&before=${encodeURIComponent(cursor)}` : ""}`,
      );
      walked.push(...ids(p));
      cursor = p.nextBefore;
    }
    assert.deepEqual(walked, [...tied].reverse(), "newest first, ties by id");
  });

  it("who sees what: an agent their own calls, a monitor the org's", async () => {
    const mine = await coachedCall();
    const luisCall = await answered(org.admin, org.luis, org.sales, JOHN);
    await hangUp(org.luis, luisCall.id);

    const anas = await historyPage(org.ana, "");
    assert.ok(anas.calls.length > 0 && anas.calls.every((c) => c.agentId === org.ana.id), "ana: hers only");
    assert.ok(ids(anas).includes(mine.call.id));
    assert.equal(anas.calls.find((c) => c.id === mine.call.id)?.coachingSessions?.[0].coachName, "Sofia");
    assertRefused(await org.ana.get(`/calls?agentId=${org.luis.id}`), "forbidden");
    const anaOnSales = await historyPage(org.ana, `?numberId=${org.sales}`);
    assert.ok(
      anaOnSales.calls.every((c) => c.agentId === org.ana.id),
      "a filter never widens an agent's view",
    );
    assert.ok(!ids(anaOnSales).includes(luisCall.id));

    for (const monitor of [org.marco, org.admin]) {
      const all = await historyPage(monitor, "?limit=100");
      assert.ok(ids(all).includes(mine.call.id) && ids(all).includes(luisCall.id), "the org's calls");
    }
    // A supervisor without Live Monitoring sees only their own calls, like an agent.
    const created = await org.admin.post<{ user: User }>("/users", {
      email: "nina@demo.test",
      name: "Nina",
      password: "a long enough passphrase",
      role: "supervisor",
      monitoringAccess: "none",
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const ninaClient = await Client.login(server.url, "nina@demo.test", "a long enough passphrase");
    assert.deepEqual((await historyPage(ninaClient, "")).calls, []);

    // A silent listen (no Notify user, never audible) is none of the agent's business, after the call too.
    const silent = await answered(org.admin, org.ana, org.support, CARMEN);
    const s = await startCoaching(org.sofia, silent.id);
    await org.sofia.delete(`/coaching-sessions/${s.id}`);
    await hangUp(org.ana, silent.id);
    assert.deepEqual(
      (await historyPage(org.ana, "")).calls.find((c) => c.id === silent.id)?.coachingSessions,
      [],
    );
    const sofias = (await historyPage(org.sofia, "")).calls.find((c) => c.id === silent.id);
    assert.equal(sofias?.coachingSessions?.length, 1, "the coach's history keeps it");
    const probe = await org.ana.post(`/coaching-sessions/${s.id}/notes`, { text: "x" });
    assert.equal(probe.status, 404, "nor does a note reveal it");
  });

  it("bad input is 400 with its code, unknown ids 404", async () => {
    const bad: [string, string][] = [
      ["?limit=0", "validation_failed"],
      ["?limit=101", "validation_failed"],
      ["?limit=ten", "validation_failed"],
      ["?before=yesterday", "validation_failed"],
      ["?before=2026-02-30T10:00:00Z", "bad_request"],
      ["?agentId=no%20such", "validation_failed"],
      ["?colour=red", "validation_failed"],
      [`?live=true&agentId=${org.ana.id}`, "bad_request"],
      ["?live=true&limit=5", "bad_request"],
    ];
    for (const [query, code] of bad) {
      const r = await org.sofia.get(`/calls${query}`);
      assert.equal(r.status, 400, `${query}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error?.code, code, query);
    }
    for (const query of ["?agentId=nobody", "?contactId=nobody", "?numberId=nobody"]) {
      const r = await org.sofia.get(`/calls${query}`);
      assert.equal(r.status, 404, query);
      assert.equal(r.body.error?.code, "not_found");
    }
    const live = await historyPage(org.sofia, "?live=true");
    assert.equal(live.nextBefore, null, "the live list is not paged");
  });
});
