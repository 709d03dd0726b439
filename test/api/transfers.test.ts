// A transfer to another user rings them (SPEC §2, docs/ARCHITECTURE.md "Transfers"): the
// customer is on hold meanwhile; the target accepts (they become the agent; a coaching session
// of the agent who transferred ends with `transferred`), declines, or lets it ring out, and then
// the call returns to the agent with the outcome; busy, offline and unavailable targets are
// refused. Through the HTTP API (inject), on one in-memory database; across two nodes on
// PostgreSQL and Redis (accepted on the other node; a stopped node's transfer rings out).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Call, CoachingSession, PhoneNumber, User } from "../../src/protocol/resources.ts";
import { assertRefused, getCall, liveCall, signedIn, startCoaching } from "../support/calls.ts";
import { until } from "../support/poll.ts";
import { type Client, demoOrg, startApp, type TestServer } from "../support/server.ts";
import { type Backends, requireBackends, startBackends } from "../support/services.ts";

const RING_TIMEOUT_MS = 1500;

/** An app (with `parts`), the demo org with its softphones open, and a line of ana's alone (a demo call rings only her). */
async function setup(parts: { ringTimeoutMs?: number } = {}) {
  const server = await startApp(parts);
  const org = await demoOrg(server.url);
  const made = await org.admin.post<{ number: PhoneNumber }>("/numbers", {
    name: "Transfer line",
    e164: "+34910000909",
    userIds: [org.ana.id],
  });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  for (const c of [org.ana, org.luis, org.sofia, org.marco]) await signedIn(server, c);
  return { server, org, line: made.body.number.id };
}

const transfer = (from: Client, callId: string, to: Client) =>
  from.post<{ call: Call }>(`/calls/${callId}/transfer`, { toUserId: to.id });
const stateOf = async (org: { admin: Client }, c: Client) =>
  (await org.admin.get<{ users: User[] }>("/users")).body.users.find((u) => u.id === c.id)?.state;

describe("transfers to a user ring them", () => {
  let server: TestServer;
  let org: Awaited<ReturnType<typeof demoOrg>>;
  let line: string;
  before(async () => {
    ({ server, org, line } = await setup());
  });
  after(() => server.close());

  const sessionOf = async (callId: string, id: string) =>
    (
      await org.admin.get<{ sessions: CoachingSession[] }>(`/coaching-sessions?callId=${callId}`)
    ).body.sessions.find((s) => s.id === id);

  it("rings the target with the customer on hold; accepted, the target is the agent and the coach is told", async () => {
    const call = await liveCall(org.admin, org.ana, line);
    const session = await startCoaching(org.admin, call.id); // an admin coaches any line
    const offered = await transfer(org.ana, call.id, org.luis);
    assert.equal(offered.status, 200, JSON.stringify(offered.body));
    assert.equal(offered.body.call.agentId, org.ana.id, "ana keeps the call while it rings");
    assert.equal(offered.body.call.state, "on_hold", "the customer hears hold music meanwhile");
    assert.equal(offered.body.call.transfer?.state, "ringing");
    assert.equal(offered.body.call.transfer?.toUserId, org.luis.id);
    assert.equal(
      (await sessionOf(call.id, session.id))?.endedAt,
      null,
      "the coach stays until it is accepted",
    );
    assert.equal(await stateOf(org, org.luis), "ringing", "the target shows ringing on the board");

    // luis sees the offer with Accept allowed; ana may cancel, not transfer again.
    const offer = (await org.luis.get<{ calls: Call[] }>("/calls?live=true")).body.calls.find(
      (c) => c.id === call.id,
    );
    assert.equal(offer?.grants?.acceptTransfer.allowed, true);
    assert.equal(offer?.grants?.declineTransfer.allowed, true);
    const mine = await getCall(org.ana, call.id);
    assert.equal(mine.grants?.cancelTransfer.allowed, true);
    assert.equal(mine.grants?.transfer.code, "transfer_pending");
    assertRefused(await transfer(org.ana, call.id, org.marco), "transfer_pending");
    assertRefused(await org.sofia.post(`/calls/${call.id}/transfer/accept`), "no_transfer_offered");

    const accepted = await org.luis.post<{ call: Call }>(`/calls/${call.id}/transfer/accept`);
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
    assert.equal(accepted.body.call.agentId, org.luis.id);
    assert.equal(accepted.body.call.state, "in_progress", "luis talks to the customer at once");
    assert.equal(accepted.body.call.transfer, null);
    const ended = await sessionOf(call.id, session.id);
    assert.equal(ended?.endReason, "transferred", "the session ends with the reason the coach is told");
    assert.equal((await org.ana.get(`/calls/${call.id}`)).status, 404, "the call is no longer ana's");
    assert.equal(await stateOf(org, org.luis), "on_call");
    assert.notEqual(await stateOf(org, org.ana), "on_call");
    assert.equal((await org.luis.post(`/calls/${call.id}/hangup`)).status, 200);
  });

  it("declined, the call returns to the agent and says so", async () => {
    const call = await liveCall(org.admin, org.ana, line);
    assert.equal((await transfer(org.ana, call.id, org.luis)).status, 200);
    const declined = await org.luis.post<{ call: Call }>(`/calls/${call.id}/transfer/decline`);
    assert.equal(declined.status, 200, JSON.stringify(declined.body));
    const back = await getCall(org.ana, call.id);
    assert.equal(back.agentId, org.ana.id);
    assert.equal(back.state, "in_progress", "back from hold with ana");
    assert.deepEqual([back.transfer?.state, back.transfer?.toUserId], ["declined", org.luis.id]);
    assert.equal((await org.luis.get(`/calls/${call.id}`)).status, 404, "luis no longer sees it");
    assert.equal(await stateOf(org, org.luis), "available", "luis stops ringing");
    assert.equal((await org.luis.post(`/calls/${call.id}/transfer/accept`)).status, 404, "nothing to accept");
    assert.equal(back.grants?.transfer.allowed, true, "ana may transfer again");
    await org.ana.post(`/calls/${call.id}/hangup`);
  });

  it("the agent may cancel it; a hang-up while it rings stops the ringing", async () => {
    const call = await liveCall(org.admin, org.ana, line);
    assert.equal((await transfer(org.ana, call.id, org.luis)).status, 200);
    assertRefused(await org.luis.post(`/calls/${call.id}/transfer/cancel`), "forbidden");
    const cancelled = await org.ana.post<{ call: Call }>(`/calls/${call.id}/transfer/cancel`);
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
    assert.deepEqual(
      [cancelled.body.call.transfer?.state, cancelled.body.call.state],
      ["cancelled", "in_progress"],
    );
    assert.equal((await transfer(org.ana, call.id, org.luis)).status, 200, "and transfer again");
    assert.equal((await org.ana.post(`/calls/${call.id}/hangup`)).status, 200);
    assert.equal(await stateOf(org, org.luis), "available", "the call's end stops the transfer ringing");
    assert.equal((await org.luis.post(`/calls/${call.id}/transfer/accept`)).status, 404);
  });

  it("refuses a busy, offline or unavailable target, each with its own reason", async () => {
    const call = await liveCall(org.admin, org.ana, line);
    // Busy: offered another transfer already.
    const other = await liveCall(org.admin, org.sofia, org.sales);
    assert.equal((await transfer(org.sofia, other.id, org.luis)).status, 200);
    assertRefused(await transfer(org.ana, call.id, org.luis), "user_busy");
    assert.equal((await org.luis.post(`/calls/${other.id}/transfer/accept`)).status, 200);
    // Busy: on a call (luis took sofia's).
    assertRefused(await transfer(org.ana, call.id, org.luis), "user_busy");
    await org.luis.post(`/calls/${other.id}/hangup`);
    // Unavailable.
    await org.marco.patch("/me", { availability: "unavailable" });
    assertRefused(await transfer(org.ana, call.id, org.marco), "user_unavailable");
    await org.marco.patch("/me", { availability: "available" });
    // Offline: the admin has no softphone open.
    assertRefused(await transfer(org.ana, call.id, org.admin), "user_offline");
    assert.equal((await transfer(org.ana, call.id, org.ana)).status, 409, "not to oneself");
    await org.ana.post(`/calls/${call.id}/hangup`);
  });
});

describe("a transfer nobody answers", () => {
  let server: TestServer;
  let org: Awaited<ReturnType<typeof demoOrg>>;
  let line: string;
  before(async () => {
    ({ server, org, line } = await setup({ ringTimeoutMs: RING_TIMEOUT_MS }));
  });
  after(() => server.close());

  it("unanswered, it returns after the ring timeout (no answer); a held call stays on hold", async () => {
    // The queue's offers ring out after the same short timeout: answer whenever it rings her.
    const created = await org.admin.post<{ call: Call }>("/demo/calls", { numberId: line });
    const call = await until(
      async () => (await org.ana.post<{ call: Call }>(`/calls/${created.body.call.id}/answer`)).body,
      (b) => b.call?.state === "in_progress",
      10_000,
    ).then((b) => b.call);
    await org.ana.post(`/calls/${call.id}/hold`);
    const started = Date.now();
    assert.equal((await transfer(org.ana, call.id, org.luis)).status, 200);
    const back = await until(
      () => getCall(org.ana, call.id),
      (c) => c.transfer?.state !== "ringing",
      RING_TIMEOUT_MS + 2000,
    );
    assert.ok(Date.now() - started >= RING_TIMEOUT_MS - 50, "not before the ring timeout");
    assert.equal(back.transfer?.state, "no_answer");
    assert.equal(back.agentId, org.ana.id);
    assert.equal(back.state, "on_hold", "it was on hold before the transfer");
    assert.equal(await stateOf(org, org.luis), "available");
    await org.ana.post(`/calls/${call.id}/hangup`);
  });
});

describe("transfers across nodes (PostgreSQL + Redis)", () => {
  let backends: Backends;
  const servers: TestServer[] = [];
  before(async () => {
    requireBackends();
    backends = await startBackends();
  });
  after(async () => {
    for (const s of servers) await s.close().catch(() => {});
    await backends?.stop();
  });

  it("offered on node A, accepted on node B; a transfer whose node stopped rings out by the other's sweep", async () => {
    const databaseUrl = await backends.database("transfers_cluster");
    const opts = {
      databaseUrl,
      redisUrl: backends.redisUrl,
      env: { EARSHOT_SECRET: "shared" },
      ringTimeoutMs: RING_TIMEOUT_MS,
      queueSweepMs: 200,
    };
    const a = await startApp(opts);
    servers.push(a);
    const b = await startApp(opts);
    servers.push(b);
    const oa = await demoOrg(a.url);
    const ob = await demoOrg(b.url);
    const made = await oa.admin.post<{ number: PhoneNumber }>("/numbers", {
      name: "Transfer line",
      e164: "+34910000919",
      userIds: [oa.ana.id],
    });
    await signedIn(a, oa.ana);
    await signedIn(b, ob.luis);
    const created = await oa.admin.post<{ call: Call }>("/demo/calls", { numberId: made.body.number.id });
    const call = await until(
      async () => (await oa.ana.post<{ call: Call }>(`/calls/${created.body.call.id}/answer`)).body,
      (r) => r.call?.state === "in_progress",
      10_000,
    ).then((r) => r.call);

    assert.equal((await transfer(oa.ana, call.id, ob.luis)).status, 200);
    const offer = (await ob.luis.get<{ calls: Call[] }>("/calls?live=true")).body.calls.find(
      (c) => c.id === call.id,
    );
    assert.equal(offer?.grants?.acceptTransfer.allowed, true, "node B reads the offer from the database");
    assert.equal((await ob.luis.post(`/calls/${call.id}/transfer/accept`)).status, 200);
    assert.equal((await getCall(oa.admin, call.id)).agentId, ob.luis.id, "node A sees luis as the agent");

    // luis transfers it back to ana through node B, and node B stops: its ring timer is gone,
    // node A's sweep returns the transfer once it rang past the ring timeout.
    assert.equal((await transfer(ob.luis, call.id, oa.ana)).status, 200);
    await b.close();
    const back = await until(
      () => getCall(oa.admin, call.id),
      (c) => c.transfer?.state !== "ringing",
      RING_TIMEOUT_MS + 5000,
    );
    assert.deepEqual([back.transfer?.state, back.agentId], ["no_answer", ob.luis.id]);
    await oa.admin.post(`/calls/${call.id}/hangup`);
  });
});
