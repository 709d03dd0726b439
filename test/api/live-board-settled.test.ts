// The live board's kept sums (control/liveStats.ts): a call ended more than the settle time ago
// joins the day's sums kept per org, and each compute adds only the calls ended since. The
// figures must stay those computed by hand from the calls' own timestamps through the first
// fold (the whole day read once), the calls not settled yet, and a later fold of the newly ended.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { Call } from "../../src/protocol/resources.ts";
import type { LiveStats, PeriodStats } from "../../src/protocol/stats.ts";
import { getCall, widgetCall } from "../support/calls.ts";
import { demoOrg, startServer, type TestServer } from "../support/server.ts";

const THRESHOLD_MS = 2_000;
const SETTLE_MS = 300;
const ms = (a: string | null, b: string | null) =>
  new Date(a as string).getTime() - new Date(b as string).getTime();
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe("the live board's kept sums of ended calls", () => {
  let server: TestServer;
  let org: Awaited<ReturnType<typeof demoOrg>>;
  before(async () => {
    server = await startServer({ serviceLevelMs: THRESHOLD_MS, boardSettleMs: SETTLE_MS });
    org = await demoOrg(server.url);
  });
  after(() => server.close());

  const ids: string[] = [];
  const answeredCall = async () => {
    const call = (await org.admin.post<{ call: Call }>("/demo/calls", { numberId: org.support })).body.call;
    assert.equal((await org.ana.post(`/calls/${call.id}/answer`)).status, 200);
    assert.equal((await org.ana.post(`/calls/${call.id}/hangup`)).status, 200);
    ids.push(call.id);
  };
  const abandonedCall = async () => {
    const w = await widgetCall(server.url, org.support);
    const hung = await fetch(`${server.url}/api/v1/widget/calls/${w.call.id}/hangup`, {
      method: "POST",
      headers: { "x-call-token": w.callToken },
    });
    assert.equal(hung.status, 200);
    ids.push(w.call.id);
  };
  /** Support's "today" as computed by hand from every call made so far. */
  const byHand = async () => {
    const calls = await Promise.all(ids.map((id) => getCall(org.admin, id)));
    const answered = calls.filter((c) => c.answeredAt);
    const abandoned = calls.filter((c) => !c.answeredAt);
    const within = answered.filter((c) => ms(c.answeredAt, c.createdAt) <= THRESHOLD_MS).length;
    const after = abandoned.filter((c) => ms(c.endedAt, c.createdAt) > THRESHOLD_MS).length;
    return {
      answered: answered.length,
      abandoned: abandoned.length,
      serviceLevel: within / (answered.length + after),
      asa: mean(answered.map((c) => ms(c.answeredAt, c.createdAt))),
      aht: mean(answered.map((c) => ms(c.endedAt, c.answeredAt))),
    };
  };
  const assertToday = async (when: string) => {
    const expected = await byHand();
    const r = await org.sofia.get<LiveStats>("/stats/live");
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const support = r.body.numbers.find((n) => n.numberId === org.support);
    for (const period of [support?.today, r.body.total.today] as PeriodStats[]) {
      assert.equal(period.answered, expected.answered, when);
      assert.equal(period.abandoned, expected.abandoned, when);
      assert.equal(period.serviceLevel, expected.serviceLevel, when);
      // Database times carry microseconds, the API's milliseconds: 2 ms of slack.
      assert.ok(Math.abs((period.averageSpeedOfAnswerMs ?? -1) - expected.asa) <= 2, when);
      assert.ok(Math.abs((period.averageHandleTimeMs ?? -1) - expected.aht) <= 2, when);
    }
  };

  it("counts each call once, before and after it settles", async () => {
    await answeredCall();
    await answeredCall();
    await abandonedCall();
    await sleep(SETTLE_MS * 2);
    await assertToday("the first read: the three settled in the first fold");
    await answeredCall();
    await abandonedCall();
    await assertToday("two calls ended since, not settled yet");
    await sleep(SETTLE_MS * 2);
    await assertToday("those two folded into the kept sums");
    await assertToday("read again: nothing counted twice");
    await answeredCall();
    await sleep(SETTLE_MS * 2);
    await assertToday("a later fold");
  });
});
