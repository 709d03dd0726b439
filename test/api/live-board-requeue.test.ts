// A requeued call on the live board (SPEC §2: an agent whose softphone disappears; the call
// waits in its queue again): its speed of answer is the customer's whole wait — until the first
// answer, then from the requeue to the answer that held — not the time since it arrived, which
// would count the first agent's conversation as waiting and the call as answered late.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { Call, PhoneNumber } from "../../src/protocol/resources.ts";
import type { LiveStats } from "../../src/protocol/stats.ts";
import { getCall, liveCall } from "../support/calls.ts";
import { until } from "../support/poll.ts";
import { demoOrg, startServer, type TestServer } from "../support/server.ts";
import { EventClient } from "../support/ws.ts";

const THRESHOLD_MS = 1_500;
const ms = (a: string | null, b: string | null) => Date.parse(a as string) - Date.parse(b as string);

describe("a requeued call's speed of answer", () => {
  let server: TestServer;
  let org: Awaited<ReturnType<typeof demoOrg>>;
  before(async () => {
    server = await startServer({ serviceLevelMs: THRESHOLD_MS, agentGraceMs: 300, queueSweepMs: 100 });
    org = await demoOrg(server.url);
  });
  after(() => server?.close());

  it("is its waits, not its first conversation", async () => {
    const made = await org.admin.post<{ number: PhoneNumber }>("/numbers", {
      name: "Requeue line",
      e164: "+34920000001",
      userIds: [org.ana.id, org.luis.id],
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const number = made.body.number.id;
    const ana = await EventClient.connect(server.url, `token=${org.ana.token}`);
    const first = await liveCall(org.admin, org.ana, number);
    // A conversation longer than the threshold, then every socket of ana's gone.
    await sleep(THRESHOLD_MS + 200);
    ana.close();
    const requeued = await until(
      () => getCall(org.admin, first.id),
      (c) => c.state === "ringing" && c.ringingUserIds.includes(org.luis.id),
    );
    const answered = await org.luis.post<{ call: Call }>(`/calls/${first.id}/answer`);
    assert.equal(answered.status, 200, JSON.stringify(answered.body));
    await org.luis.post(`/calls/${first.id}/hangup`);
    const done = await getCall(org.admin, first.id);
    const wait = ms(first.answeredAt, first.createdAt) + ms(done.answeredAt, requeued.queuedAt);
    assert.ok(wait <= THRESHOLD_MS, `the script's waits were short (${wait} ms)`);
    assert.ok(ms(done.answeredAt, done.createdAt) > THRESHOLD_MS, "the first conversation was long");

    const r = await org.sofia.get<LiveStats>("/stats/live");
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const today = r.body.numbers.find((n) => n.numberId === number)?.today;
    assert.equal(today?.answered, 1);
    assert.equal(today?.serviceLevel, 1, "answered within the threshold: the customer waited less");
    // Database times carry microseconds, the API's milliseconds: a few ms of slack.
    assert.ok(
      Math.abs((today?.averageSpeedOfAnswerMs ?? -1) - wait) <= 3,
      `${today?.averageSpeedOfAnswerMs} vs ${wait}`,
    );
  });
});
