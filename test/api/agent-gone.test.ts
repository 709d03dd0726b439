// SPEC §2 (issue 15): the numbers an agent dials on a call are validated (E.164 or a configured
// emergency number), a transfer or a third party says in its grant when it ends the coaching
// session, and an agent whose softphone disappears leaves no ghost call: every socket of theirs
// closed past the grace (a reload within it keeps the call), or their audio leg lost past the
// media plane's grace, and the call waits in its number's queue again for the next free agent.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { ServerMessage } from "../../src/protocol/messages.ts";
import type { Call, PhoneNumber } from "../../src/protocol/resources.ts";
import { getCall, liveCall, startCoaching } from "../support/calls.ts";
import { until } from "../support/poll.ts";
import { Client, demoOrg, startServer, type TestServer } from "../support/server.ts";
import { type Backends, requireBackends, startBackends } from "../support/services.ts";
import { EventClient } from "../support/ws.ts";

const GRACE_MS = 600;

describe("agent gone, numbers dialled", () => {
  let server: TestServer;
  let org: Awaited<ReturnType<typeof demoOrg>>;
  /** A line of its own for each test: ana, luis and sofia (who may coach it). */
  const line = async (): Promise<string> => {
    const made = await org.admin.post<{ number: PhoneNumber }>("/numbers", {
      name: `Line ${Math.random()}`,
      e164: `+3492${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`,
      userIds: [org.ana.id, org.luis.id, org.sofia.id],
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    return made.body.number.id;
  };
  const socketOf = (c: Client) => EventClient.connect(server.url, `token=${c.token}`);
  before(async () => {
    server = await startServer({
      agentGraceMs: GRACE_MS,
      queueSweepMs: 100,
      env: { EARSHOT_EMERGENCY_NUMBERS: "112,911" },
    });
    org = await demoOrg(server.url);
  });
  after(() => server?.close());

  it("a third party or an external transfer needs E.164 or an emergency number (400 invalid_phone_number)", async () => {
    const call = await liveCall(org.admin, org.ana, org.support);
    for (const number of ["12", "+0600111222", "600111222", "+1234567", "+1234567890123456", "999"]) {
      const r = await org.ana.post(`/calls/${call.id}/participants`, { number });
      assert.equal(r.status, 400, `${number}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error?.code, "invalid_phone_number");
      assert.match(String(r.body.error?.message), /international format/);
      const t = await org.ana.post(`/calls/${call.id}/transfer`, { toNumber: number });
      assert.equal(t.status, 400, `${number}: ${JSON.stringify(t.body)}`);
      assert.equal(t.body.error?.code, "invalid_phone_number");
    }
    assert.equal((await getCall(org.ana, call.id)).conference, false, "nothing was dialled");
    const ok = await org.ana.post<{ call: Call }>(`/calls/${call.id}/participants`, { number: "112" });
    assert.equal(ok.status, 200, "a configured emergency number may be added");
    await org.ana.post(`/calls/${call.id}/hangup`);
    const other = await liveCall(org.admin, org.ana, org.support);
    const out = await org.ana.post<{ call: Call }>(`/calls/${other.id}/transfer`, {
      toNumber: "+34600999888",
    });
    assert.equal(out.status, 200, JSON.stringify(out.body));
    assert.equal(out.body.call.transferredTo, "+34600999888");
  });

  it("the agent's transfer and third-party grants say they end a coaching session the agent knows of", async () => {
    const number = await line();
    const silent = await liveCall(org.admin, org.ana, number);
    const listening = await startCoaching(org.sofia, silent.id, { notifyUser: false });
    let g = (await getCall(org.ana, silent.id)).grants;
    assert.deepEqual(
      [g?.addParty.endsCoaching, g?.transfer.endsCoaching],
      [false, false],
      "a silent listener stays unknown",
    );
    assert.equal((await org.sofia.delete(`/coaching-sessions/${listening.id}`)).status, 200);
    await org.ana.post(`/calls/${silent.id}/hangup`);

    const known = await liveCall(org.admin, org.ana, number);
    g = (await getCall(org.ana, known.id)).grants;
    assert.deepEqual([g?.addParty.endsCoaching, g?.transfer.endsCoaching], [false, false], "not coached");
    await startCoaching(org.sofia, known.id, { notifyUser: true });
    g = (await getCall(org.ana, known.id)).grants;
    assert.deepEqual([g?.addParty.endsCoaching, g?.transfer.endsCoaching], [true, true]);
    await org.ana.post(`/calls/${known.id}/hangup`);
  });

  it("every socket of the agent gone past the grace: the call waits in its queue, offered to the next agent; the coach is told why", async () => {
    const number = await line();
    const ana = await socketOf(org.ana);
    const sofia = await socketOf(org.sofia);
    const call = await liveCall(org.admin, org.ana, number);
    const session = await startCoaching(org.sofia, call.id, { notifyUser: true });
    const closedAt = Date.now();
    ana.close();
    const requeued = await until(
      () => getCall(org.admin, call.id),
      (c) => c.state === "ringing",
    );
    assert.ok(Date.now() - closedAt >= GRACE_MS, "not before the grace");
    assert.equal(requeued.agentId, null);
    assert.ok(requeued.queuedAt && Date.parse(requeued.queuedAt) >= closedAt, "queued anew");
    assert.equal(requeued.queuePosition, 1);
    const ended = (await sofia.next(
      (e) => e.type === "coaching.ended" && e.session.id === session.id,
    )) as Extract<ServerMessage, { type: "coaching.ended" }>;
    assert.equal(ended.session.endReason, "agent_disconnected");
    // Offered as a new call would be: to the free agents.
    const offered = await until(
      () => getCall(org.admin, call.id),
      (c) => c.ringingUserIds.length > 0,
    );
    assert.ok(offered.ringingUserIds.includes(org.luis.id), JSON.stringify(offered.ringingUserIds));
    // The gone agent is not rung: unavailable until she says otherwise.
    assert.ok(!offered.ringingUserIds.includes(org.ana.id), "the gone agent is not rung");
    const me = await org.ana.get<{ user: { availability: string } }>("/me");
    assert.equal(me.body.user.availability, "unavailable");
    assert.equal((await org.ana.patch("/me", { availability: "available" })).status, 200);
    const answered = await org.luis.post<{ call: Call }>(`/calls/${call.id}/answer`);
    assert.equal(answered.status, 200, JSON.stringify(answered.body));
    assert.equal(answered.body.call.agentId, org.luis.id);
    await org.luis.post(`/calls/${call.id}/hangup`);
    sofia.close();
  });

  it("a reload within the grace does not requeue the call", async () => {
    const number = await line();
    const first = await socketOf(org.ana);
    const call = await liveCall(org.admin, org.ana, number);
    first.close();
    await first.closed;
    await new Promise((r) => setTimeout(r, GRACE_MS / 3));
    const reloaded = await socketOf(org.ana);
    // Well past the grace and several sweeps: the call is still ana's.
    await new Promise((r) => setTimeout(r, GRACE_MS * 2));
    const still = await getCall(org.admin, call.id);
    assert.equal(still.state, "in_progress");
    assert.equal(still.agentId, org.ana.id);
    await org.ana.post(`/calls/${call.id}/hangup`);
    reloaded.close();
  });

  it("an agent long without a socket who answers gets the grace from the answer, not from the socket's close", async () => {
    const number = await line();
    const tab = await socketOf(org.ana);
    tab.close();
    await tab.closed;
    await new Promise((r) => setTimeout(r, GRACE_MS * 2)); // offline for longer than the grace
    const call = await liveCall(org.admin, org.ana, number);
    const requeued = await until(
      () => getCall(org.admin, call.id),
      (c) => c.state === "ringing",
    );
    // Both instants on the server's clock: the client's would count the answer's response time
    // (hundreds of ms on a loaded machine) against the grace.
    const heldMs = Date.parse(String(requeued.queuedAt)) - Date.parse(String(call.answeredAt));
    assert.ok(heldMs >= GRACE_MS, `the call stayed hers for the grace after the answer (${heldMs} ms)`);
    assert.equal(requeued.agentId, null);
    assert.equal((await org.ana.patch("/me", { availability: "available" })).status, 200);
    await until(
      () => getCall(org.admin, call.id),
      (c) => c.ringingUserIds.includes(org.luis.id),
    );
    assert.equal((await org.luis.post(`/calls/${call.id}/answer`)).status, 200);
    await org.luis.post(`/calls/${call.id}/hangup`);
  });

  it("the agent's audio leg lost past the media grace: the call waits again; an outbound one ends", async () => {
    const number = await line();
    assert.equal((await org.ana.patch("/me", { availability: "available" })).status, 200);
    const ana = await socketOf(org.ana);
    const call = await liveCall(org.admin, org.ana, number);
    await server.earshot.services.calls.legLost(call.id, "agent");
    const requeued = await getCall(org.admin, call.id);
    assert.equal(requeued.state, "ringing");
    assert.equal(requeued.agentId, null);
    assert.ok(requeued.queuedAt);
    await until(
      () => getCall(org.admin, call.id),
      (c) => c.ringingUserIds.includes(org.luis.id),
    );
    const r = await org.luis.post(`/calls/${call.id}/answer`);
    assert.equal(r.status, 200);
    await org.luis.post(`/calls/${call.id}/hangup`);

    const out = await org.ana.post<{ call: Call }>("/calls", { numberId: number, to: "+34600111222" });
    assert.equal(out.status, 201, JSON.stringify(out.body));
    await until(
      () => getCall(org.ana, out.body.call.id),
      (c) => c.state === "in_progress",
    );
    await server.earshot.services.calls.legLost(out.body.call.id, "agent");
    const gone = await getCall(org.ana, out.body.call.id);
    assert.deepEqual([gone.state, gone.endReason], ["ended", "connection_lost"]);
    ana.close();
  });
});

describe("agent gone across two nodes (PostgreSQL and Redis)", () => {
  let backends: Backends;
  let a: TestServer;
  let b: TestServer;
  before(async () => {
    requireBackends();
    backends = await startBackends();
    const databaseUrl = await backends.database("agent_gone");
    const opts = { databaseUrl, redisUrl: backends.redisUrl, agentGraceMs: GRACE_MS, queueSweepMs: 100 };
    a = await startServer({ ...opts, env: { EARSHOT_SECRET: "shared" } });
    b = await startServer({ ...opts, env: { EARSHOT_SECRET: "shared" } });
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await backends?.stop();
  });

  it("a reload that lands on the other node keeps the call; that tab closing past the grace requeues it", async () => {
    const org = await demoOrg(a.url);
    const anaOnB = await Client.login(b.url, "ana@demo.test");
    const onA = await EventClient.connect(a.url, `token=${org.ana.token}`);
    const call = await liveCall(org.admin, org.ana, org.support);
    onA.close();
    await onA.closed;
    const onB = await EventClient.connect(b.url, `token=${anaOnB.token}`);
    await new Promise((r) => setTimeout(r, GRACE_MS * 2));
    const kept = await getCall(org.admin, call.id);
    assert.deepEqual([kept.state, kept.agentId], ["in_progress", org.ana.id], "the reload kept the call");
    onB.close();
    const requeued = await until(
      () => getCall(org.admin, call.id),
      (c) => c.state === "ringing",
    );
    assert.equal(requeued.agentId, null);
  });
});
