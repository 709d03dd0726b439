// Queues (SPEC §2, docs/ARCHITECTURE.md "Queues"): an inbound call that finds nobody free waits
// in its number's queue, is offered to agents as they free up (longest-idle first), and ends
// after the number's maximum wait (queue_timeout) or when the customer hangs up (abandoned).
// On PGlite and PostgreSQL; the cross-node offer on two nodes over PostgreSQL and Redis.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Call, PhoneNumber } from "../../src/protocol/resources.ts";
import { getCall, widgetCall } from "../support/calls.ts";
import { until } from "../support/poll.ts";
import { type Client, demoOrg, startServer, type TestServer } from "../support/server.ts";
import { type Backends, requireBackends, startBackends } from "../support/services.ts";

async function setup(url: string) {
  const org = await demoOrg(url);
  // A line of its own: ana and luis only, so the demo's supervisors never ring.
  const made = await org.admin.post<{ number: PhoneNumber }>("/numbers", {
    name: "Queue line",
    e164: `+3491${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`,
    userIds: [org.ana.id, org.luis.id],
  });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  assert.equal(made.body.number.maxWaitS, 300, "the default maximum wait");
  return { ...org, line: made.body.number.id };
}

async function call(caller: Client, numberId: string): Promise<Call> {
  const r = await caller.post<{ call: Call }>("/demo/calls", { numberId });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.call;
}

async function answer(agent: Client, id: string): Promise<void> {
  const r = await agent.post(`/calls/${id}/answer`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
}

const backendsUnderTest = ["PGlite", "PostgreSQL"] as const;

describe("queues", () => {
  let backends: Backends;
  const servers: TestServer[] = [];
  const start = async (backend: (typeof backendsUnderTest)[number], name: string, ringTimeoutMs?: number) => {
    const s = await startServer({
      ringTimeoutMs,
      ...(backend === "PGlite" ? {} : { databaseUrl: await backends.database(`queues_${name}`) }),
    });
    servers.push(s);
    return s;
  };
  before(async () => {
    requireBackends();
    backends = await startBackends();
  });
  after(async () => {
    for (const s of servers) await s.close().catch(() => {});
    await backends?.stop();
  });

  for (const backend of backendsUnderTest) {
    it(`${backend}: a call waits while every agent is busy and rings the agent who frees up`, async () => {
      const s = await start(backend, "busy");
      const o = await setup(s.url);
      const first = await call(o.admin, o.line);
      assert.deepEqual(
        new Set(first.ringingUserIds),
        new Set([o.ana.id, o.luis.id]),
        "a lone caller rings everyone free",
      );
      await answer(o.ana, first.id);
      const second = await call(o.admin, o.line);
      assert.deepEqual(second.ringingUserIds, [o.luis.id]);
      await answer(o.luis, second.id);

      const waiting = await call(o.admin, o.line);
      assert.equal(waiting.state, "ringing");
      assert.deepEqual(waiting.ringingUserIds, [], "nobody is free: it waits");
      assert.ok(waiting.queuedAt, "it carries when the customer began waiting");
      assert.equal(waiting.queuePosition, 1);
      const behind = await call(o.admin, o.line);
      assert.equal(behind.queuePosition, 2);
      const monitored = (await o.sofia.get<{ calls: Call[] }>("/calls?live=true")).body.calls;
      assert.ok(
        monitored.some((c) => c.id === waiting.id && c.queuedAt),
        "a supervisor sees the waiting call",
      );

      assert.equal((await o.ana.post(`/calls/${first.id}/hangup`)).status, 200);
      const offered = await until(
        () => getCall(o.admin, waiting.id),
        (c) => c.ringingUserIds.length > 0,
      );
      assert.deepEqual(offered.ringingUserIds, [o.ana.id], "the freed agent rings, the busy one does not");
      assert.deepEqual((await getCall(o.admin, behind.id)).ringingUserIds, [], "the next caller still waits");
      await answer(o.ana, waiting.id);
      const moved = await until(
        () => getCall(o.admin, behind.id),
        (c) => c.queuePosition === 1,
      );
      assert.equal(moved.state, "ringing");
      const answered = await getCall(o.admin, waiting.id);
      assert.equal(answered.queuePosition, null);
      assert.equal(answered.queuedAt, waiting.queuedAt, "the wait stays on the record after the answer");
    });

    it(`${backend}: waiting calls go to the longest-idle agents first`, async () => {
      const s = await start(backend, "idle");
      const o = await setup(s.url);
      for (const agent of [o.ana, o.luis])
        assert.equal((await agent.patch("/me", { availability: "unavailable" })).status, 200);
      const c1 = await call(o.admin, o.line);
      const c2 = await call(o.admin, o.line);
      assert.deepEqual([c1.ringingUserIds, c2.ringingUserIds], [[], []]);
      // Both become free at once (as after a missed trigger): luis has been idle longer.
      const { store } = s.earshot.services.ctx;
      const now = Date.now();
      await store.transaction(async (tx) => {
        await tx.updateUser(o.ana.id, { availability: "available", idleSince: new Date(now - 10_000) });
        await tx.updateUser(o.luis.id, { availability: "available", idleSince: new Date(now - 60_000) });
      });
      await s.earshot.services.calls.queue.sweep();
      assert.deepEqual(
        (await getCall(o.admin, c1.id)).ringingUserIds,
        [o.luis.id],
        "the head call: longest idle",
      );
      assert.deepEqual((await getCall(o.admin, c2.id)).ringingUserIds, [o.ana.id]);
    });

    it(`${backend}: a hang-up while waiting is abandoned, after the answer it is a hang-up`, async () => {
      const s = await start(backend, "abandon");
      const o = await setup(s.url);
      for (const agent of [o.ana, o.luis]) await agent.patch("/me", { availability: "unavailable" });
      const waiting = await widgetCall(s.url, o.line);
      assert.equal(
        waiting.call.queuePosition,
        null,
        "the widget's first answer is made before the queue is read",
      );
      const seen = await fetch(`${s.url}/api/v1/widget/calls/${waiting.call.id}`, {
        headers: { "x-call-token": waiting.callToken },
      });
      assert.equal(((await seen.json()) as { call: { queuePosition: number } }).call.queuePosition, 1);
      const hangup = (id: string, token: string) =>
        fetch(`${s.url}/api/v1/widget/calls/${id}/hangup`, {
          method: "POST",
          headers: { "x-call-token": token },
        });
      assert.equal((await hangup(waiting.call.id, waiting.callToken)).status, 200);
      const ended = await getCall(o.admin, waiting.call.id);
      assert.equal(ended.state, "ended");
      assert.equal(ended.endReason, "abandoned");

      await o.ana.patch("/me", { availability: "available" });
      const talked = await widgetCall(s.url, o.line);
      await answer(o.ana, talked.call.id);
      await hangup(talked.call.id, talked.callToken);
      assert.equal((await getCall(o.admin, talked.call.id)).endReason, "hangup_customer");
    });

    it(`${backend}: an offer nobody answers is not missed: the call waits again and is offered anew`, async () => {
      const s = await start(backend, "rona", 300);
      const o = await setup(s.url);
      await o.luis.patch("/me", { availability: "unavailable" });
      const rung = await call(o.admin, o.line);
      assert.deepEqual(rung.ringingUserIds, [o.ana.id]);
      const before = (await s.earshot.services.ctx.store.getUser(o.ana.id))?.idleSince ?? null;
      // Past the ring timeout the call is back in the queue and, ana being the only one free, rings her again.
      await until(
        async () => (await s.earshot.services.ctx.store.getUser(o.ana.id))?.idleSince ?? null,
        (idle) => idle !== null && idle.getTime() !== before?.getTime(),
      );
      const again = await until(
        () => getCall(o.admin, rung.id),
        (c) => c.ringingUserIds.length > 0,
      );
      assert.equal(again.state, "ringing");
      assert.equal(again.endReason, null);
      assert.equal(again.queuedAt, rung.queuedAt, "it keeps its place: the wait counts from the start");
    });

    it(`${backend}: the number's maximum wait ends a waiting call with queue_timeout`, async () => {
      const s = await start(backend, "timeout");
      const o = await setup(s.url);
      const refused = await o.admin.patch(`/numbers/${o.line}`, { maxWaitS: 5 });
      assert.equal(refused.status, 400, "below the 10 s minimum");
      const set = await o.admin.patch<{ number: PhoneNumber }>(`/numbers/${o.line}`, { maxWaitS: 10 });
      assert.equal(set.body.number.maxWaitS, 10);
      for (const agent of [o.ana, o.luis]) await agent.patch("/me", { availability: "unavailable" });
      const waiting = await call(o.admin, o.line);
      const ended = await until(
        () => getCall(o.admin, waiting.id),
        (c) => c.state === "ended",
        12_000,
      );
      assert.equal(ended.endReason, "queue_timeout");
      // On the server's clock: the client's would count the create's response time.
      const waitedMs = Date.parse(String(ended.endedAt)) - Date.parse(String(ended.queuedAt));
      assert.ok(waitedMs >= 10_000, `not before the maximum wait (${waitedMs} ms)`);

      // A call whose node lost its timer is ended by the sweep, on any node.
      const orphan = await call(o.admin, o.line);
      const { store } = s.earshot.services.ctx;
      await store.updateCall(orphan.id, { queuedAt: new Date(Date.now() - 11_000) });
      await s.earshot.services.calls.queue.sweep();
      assert.equal((await getCall(o.admin, orphan.id)).endReason, "queue_timeout");
    });
  }

  it("PostgreSQL + Redis: an agent freed on node B is offered node A's waiting call", async () => {
    const databaseUrl = await backends.database("queues_cluster");
    const opts = { databaseUrl, redisUrl: backends.redisUrl, env: { EARSHOT_SECRET: "shared" } };
    const a = await startServer(opts);
    servers.push(a);
    const b = await startServer(opts);
    servers.push(b);
    const oa = await setup(a.url);
    const ob = await demoOrg(b.url);
    const busy = await call(oa.admin, oa.line);
    await answer(oa.ana, busy.id);
    await ob.luis.patch("/me", { availability: "unavailable" });
    const waiting = await call(oa.admin, oa.line);
    assert.deepEqual(waiting.ringingUserIds, []);
    // luis becomes available through node B: B's offer rings node A's call.
    assert.equal((await ob.luis.patch("/me", { availability: "available" })).status, 200);
    const offered = await until(
      () => getCall(oa.admin, waiting.id),
      (c) => c.ringingUserIds.length > 0,
    );
    assert.deepEqual(offered.ringingUserIds, [ob.luis.id]);
    await answer(ob.luis, waiting.id);
    assert.equal((await getCall(oa.admin, waiting.id)).state, "in_progress");
  });
});
