// The live board (GET /stats/live, stats.updated) against figures computed by hand from the
// calls' own timestamps, and agent states with their start (User.state, User.stateSince).
// Time is not faked: the service level threshold is set short (600 ms) and the slow calls
// wait past it for real.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { Call, User } from "../../src/protocol/resources.ts";
import type { LiveStats } from "../../src/protocol/stats.ts";
import { getCall, widgetCall } from "../support/calls.ts";
import { demoOrg, startServer, type TestServer } from "../support/server.ts";
import { EventClient } from "../support/ws.ts";

// Long enough that the "fast" answer (two requests) falls within it even on a loaded machine.
const THRESHOLD_MS = 2_000;
const ms = (a: string | null, b: string | null) =>
  new Date(a as string).getTime() - new Date(b as string).getTime();
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe("the live board", () => {
  let server: TestServer;
  let org: Awaited<ReturnType<typeof demoOrg>>;
  before(async () => {
    server = await startServer({ serviceLevelMs: THRESHOLD_MS, boardPushMs: 200 });
    org = await demoOrg(server.url);
  });
  after(() => server.close());

  it("counts a scripted set of calls as computed by hand, and pushes them to supervisors", async () => {
    const sofia = await EventClient.connect(server.url, `token=${org.sofia.token}`);
    const demo = async () =>
      (await org.admin.post<{ call: Call }>("/demo/calls", { numberId: org.support })).body.call;
    // Answered fast, then hung up.
    const fast = await demo();
    await org.ana.post(`/calls/${fast.id}/answer`);
    await org.ana.post(`/calls/${fast.id}/hangup`);
    // Answered after the threshold, then hung up.
    const slow = await demo();
    await sleep(THRESHOLD_MS + 200);
    await org.luis.post(`/calls/${slow.id}/answer`);
    await org.luis.post(`/calls/${slow.id}/hangup`);
    // The customer gives up after the threshold (counts against the service level).
    const gaveUp = await widgetCall(server.url, org.support);
    await sleep(THRESHOLD_MS + 200);
    const hung = await fetch(`${server.url}/api/v1/widget/calls/${gaveUp.call.id}/hangup`, {
      method: "POST",
      headers: { "x-call-token": gaveUp.callToken },
    });
    assert.equal(hung.status, 200);
    // Still waiting.
    const waiting = await demo();

    const calls = await Promise.all(
      [fast.id, slow.id, gaveUp.call.id, waiting.id].map((id) => getCall(org.admin, id)),
    );
    const [f, s, a, w] = calls;
    assert.equal(a.endReason, "abandoned", "a hang-up before an answer");
    const answered = [f, s];
    const within = answered.filter((c) => ms(c.answeredAt, c.createdAt) <= THRESHOLD_MS).length;
    const abandonedAfter = ms(a.endedAt, a.createdAt) > THRESHOLD_MS ? 1 : 0;
    assert.equal(within, 1, "the script made one fast and one slow answer");
    const expected = {
      answered: 2,
      abandoned: 1,
      serviceLevel: within / (answered.length + abandonedAfter),
      asa: mean(answered.map((c) => ms(c.answeredAt, c.createdAt))),
      aht: mean(answered.map((c) => ms(c.endedAt, c.answeredAt))),
    };

    const r = await org.sofia.get<LiveStats>("/stats/live");
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const support = r.body.numbers.find((n) => n.numberId === org.support);
    assert.ok(support);
    assert.equal(r.body.timeZone, "UTC");
    assert.equal(r.body.serviceLevelThresholdMs, THRESHOLD_MS);
    assert.equal(support.waiting, 1);
    // From when the customer began waiting (queuedAt: the app's clock; createdAt is the database's
    // at the insert's transaction, up to half a second later on a busy machine). Database times
    // carry microseconds, the API's milliseconds: 2 ms of slack.
    assert.ok(w.queuedAt);
    const longest = ms(r.body.at, w.queuedAt);
    assert.ok(Math.abs(support.longestWaitMs - longest) <= 2, `${support.longestWaitMs} vs ${longest}`);
    for (const period of [support.today, support.last15m, r.body.total.today]) {
      assert.equal(period.answered, expected.answered);
      assert.equal(period.abandoned, expected.abandoned);
      assert.equal(period.serviceLevel, expected.serviceLevel);
      assert.ok(
        Math.abs((period.averageSpeedOfAnswerMs ?? -1) - expected.asa) <= 2,
        `ASA ${period.averageSpeedOfAnswerMs} vs ${expected.asa}`,
      );
      assert.ok(
        Math.abs((period.averageHandleTimeMs ?? -1) - expected.aht) <= 2,
        `AHT ${period.averageHandleTimeMs} vs ${expected.aht}`,
      );
    }
    const sales = r.body.numbers.find((n) => n.numberId === org.sales);
    assert.deepEqual(sales?.today, {
      answered: 0,
      abandoned: 0,
      serviceLevel: null,
      averageSpeedOfAnswerMs: null,
      averageHandleTimeMs: null,
    });

    // The waiting call's end is pushed (coalesced) to a supervisor's socket.
    await org.ana.post(`/calls/${waiting.id}/answer`);
    const pushed = await sofia.next(
      (e) => e.type === "stats.updated" && e.stats.total.waiting === 0 && e.stats.total.today.answered === 3,
    );
    assert.equal(pushed.type, "stats.updated");
    await org.ana.post(`/calls/${waiting.id}/hangup`);
    sofia.close();
  });

  it("is refused to agents with a registered code", async () => {
    const r = await org.ana.get<{ error: { code: string } }>("/stats/live");
    assert.equal(r.status, 403);
    assert.equal(r.body.error.code, "forbidden");
  });
});

const WRAP_UP_MS = 2500;

describe("agent states with their start", () => {
  let server: TestServer;
  let org: Awaited<ReturnType<typeof demoOrg>>;
  before(async () => {
    // Long enough that the next call below is made while ana is still in wrap-up, even on a
    // loaded machine (at 500 ms it once came after the end of her wrap-up, and rang her).
    server = await startServer({ wrapUpMs: WRAP_UP_MS });
    org = await demoOrg(server.url);
  });
  after(() => server.close());

  const me = async () => (await org.ana.get<{ user: User }>("/me")).body.user;

  it("follows the agent through a call, hold, wrap-up, unavailability and a closed socket", async () => {
    assert.equal((await me()).state, "offline", "no socket open");
    const ana = await EventClient.connect(server.url, `token=${org.ana.token}`);
    const of =
      (state: string, after = "") =>
      async () => {
        const e = await ana.next(
          (x) =>
            x.type === "user.updated" &&
            x.user.id === (org.ana.user as User).id &&
            x.user.state === state &&
            x.user.stateSince > after,
          WRAP_UP_MS + 3000,
        );
        return (e as { user: User }).user;
      };
    // The socket's hello (its first message) carries her state with this socket counted.
    const hello = (await ana.next((x) => x.type === "hello")) as { user: User | null };
    const online = hello.user as User;
    assert.equal(online.state, "available", "online once a socket is open");
    assert.ok(ms(new Date().toISOString(), online.stateSince) < 2000);

    const call = (await org.admin.post<{ call: Call }>("/demo/calls", { numberId: org.support })).body.call;
    const ringing = await of("ringing")();
    assert.equal(ringing.stateSince, call.createdAt);

    await org.ana.post(`/calls/${call.id}/answer`);
    const onCall = await of("on_call")();
    await org.ana.post(`/calls/${call.id}/hold`);
    const held = await of("on_hold")();
    assert.ok(held.stateSince >= onCall.stateSince);
    await org.ana.post(`/calls/${call.id}/resume`);
    const resumed = await of("on_call", held.stateSince)();
    assert.ok(resumed.stateSince >= held.stateSince, "resuming starts a new time on the call");

    await org.ana.post(`/calls/${call.id}/hangup`);
    const wrap = await of("wrap_up")();
    assert.equal(wrap.stateSince, (await getCall(org.admin, call.id)).endedAt);
    // In wrap-up ana is not offered a call.
    const next = (await org.admin.post<{ call: Call }>("/demo/calls", { numberId: org.support })).body.call;
    assert.ok(!next.ringingUserIds.includes((org.ana.user as User).id), "an agent in wrap-up does not ring");
    await org.luis.post(`/calls/${next.id}/answer`);
    // Wrap-up ends by itself after WRAP_UP_MS, and the new state starts when it ended.
    const free = await of("available", wrap.stateSince)();
    assert.equal(ms(free.stateSince, wrap.stateSince), WRAP_UP_MS);
    await org.luis.post(`/calls/${next.id}/hangup`);

    await org.ana.patch("/me", { availability: "unavailable" });
    const away = await of("unavailable", free.stateSince)();
    assert.ok(away.stateSince > free.stateSince);
    assert.equal((await me()).stateSince, away.stateSince, "the start holds across reads");

    const sofia = await EventClient.connect(server.url, `token=${org.sofia.token}`);
    ana.close();
    const gone = await sofia.next(
      (x) =>
        x.type === "user.updated" && x.user.id === (org.ana.user as User).id && x.user.state === "offline",
    );
    assert.ok((gone as { user: User }).user.stateSince >= away.stateSince);
    sofia.close();
  });
});
