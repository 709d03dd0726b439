// A restart of a single-node server: the calls its previous run left ringing or live lost
// their audio, ring timers and phone lines with that process, so the new run ends them
// ("server_stopped"), closes their coaching sessions and frees their agent and coach. In a
// cluster (REDIS_URL) a node leaves the calls of running nodes alone, and the calls of a node
// that stopped are ended by another.

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import type { NodeMedia } from "../../src/media/commands.ts";
import type { CoachingSession, User } from "../../src/protocol/resources.ts";
import { getCall, widgetCall } from "../support/calls.ts";
import { testMedia } from "../support/media.ts";
import { until } from "../support/poll.ts";
import { demoOrg, startServer, type TestServer } from "../support/server.ts";
import { type Backends, requireBackends, startBackends } from "../support/services.ts";
import { EventClient } from "../support/ws.ts";

describe("calls left live by a previous run", () => {
  let backends: Backends;
  const servers: TestServer[] = [];
  // Cluster nodes announce themselves every 200 ms and look for stopped nodes' calls as often.
  const presence = { heartbeatMs: 200, sweepMs: 200 };
  const start = async (databaseUrl: string, redisUrl?: string, media?: NodeMedia) => {
    const s = await startServer({
      databaseUrl,
      redisUrl,
      presence,
      media,
      env: { EARSHOT_SECRET: "shared" },
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

  it("a single node's restart ends them, ends their coaching, and frees the agent and the coach", async () => {
    const databaseUrl = await backends.database("restart_single");
    const first = await start(databaseUrl);
    const before = await demoOrg(first.url);
    const { call: live } = await widgetCall(first.url, before.support);
    assert.equal((await before.ana.post(`/calls/${live.id}/answer`)).status, 200);
    const coached = await before.sofia.post<{ session: CoachingSession }>(`/calls/${live.id}/coaching`, {});
    assert.equal(coached.status, 201);
    const { call: ringing } = await widgetCall(first.url, before.support); // rings luis
    await first.close();

    const second = await start(databaseUrl);
    const org = await demoOrg(second.url);
    for (const id of [live.id, ringing.id]) {
      const call = await getCall(org.admin, id);
      assert.equal(call.state, "ended", id);
      assert.equal(call.endReason, "server_stopped");
    }
    const sessions = (
      await org.admin.get<{ sessions: CoachingSession[] }>(`/coaching-sessions?callId=${live.id}`)
    ).body.sessions;
    assert.equal(sessions.find((s) => s.id === coached.body.session.id)?.endReason, "call_ended");

    // ana takes the next call (it rings her again) and sofia coaches it: neither is held by the old one.
    const { call: next } = await widgetCall(second.url, org.support);
    assert.equal((await org.ana.post(`/calls/${next.id}/answer`)).status, 200);
    assert.equal((await org.sofia.post(`/calls/${next.id}/coaching`, {})).status, 201);
  });

  it("a node joining a cluster leaves the calls of the running node alone", async () => {
    const databaseUrl = await backends.database("restart_cluster");
    const a = await start(databaseUrl, backends.redisUrl);
    const org = await demoOrg(a.url);
    const { call } = await widgetCall(a.url, org.support);
    assert.equal((await org.ana.post(`/calls/${call.id}/answer`)).status, 200);
    await start(databaseUrl, backends.redisUrl); // node B starts, and sweeps every 200 ms
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await getCall(org.admin, call.id)).state, "in_progress");
  });

  it("when a cluster node stops, another ends the calls it carried and releases their media", async (t) => {
    const databaseUrl = await backends.database("node_stopped");
    const a = await start(databaseUrl, backends.redisUrl, await testMedia({ hosts: ["127.0.0.1"] }));
    const b = await start(databaseUrl, backends.redisUrl, await testMedia({ hosts: ["127.0.0.1"] }));
    const onA = await demoOrg(a.url);
    const { call: live } = await widgetCall(a.url, onA.support);
    assert.equal((await onA.ana.post(`/calls/${live.id}/answer`)).status, 200);
    const { call: ringing } = await widgetCall(a.url, onA.support); // rings luis, timer on A
    // The call's media is A's (MediaRelay's owner key): B must not leave that claim behind.
    const { Redis } = await import("ioredis");
    const redis = new Redis(backends.redisUrl);
    t.after(() => redis.disconnect());
    const ownerKey = `earshot:media:owner:${live.id}`;
    assert.ok(await redis.get(ownerKey), "A claimed the call's media");
    await a.close();

    const org = await demoOrg(b.url);
    const deadline = Date.now() + 10_000;
    for (const id of [live.id, ringing.id]) {
      let call = await getCall(org.admin, id);
      while (call.state !== "ended" && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        call = await getCall(org.admin, id);
      }
      assert.equal(call.state, "ended", `${id} still ${call.state}`);
      assert.equal(call.endReason, "server_stopped");
    }
    for (let i = 0; i < 50 && (await redis.exists(ownerKey)); i++)
      await new Promise((r) => setTimeout(r, 100));
    assert.equal(await redis.exists(ownerKey), 0, "the stopped node's claim on the call's media is gone");
    assert.equal(
      (await org.ana.post(`/calls/${(await widgetCall(b.url, org.support)).call.id}/answer`)).status,
      200,
    );
  });

  it("a cluster node that crashed: the sockets it counted are forgotten, and users online only there go offline", async (t) => {
    // The earlier tests' nodes go first: they share Redis (and so the sweep's lease), not this database.
    for (const s of servers.splice(0)) await s.close();
    const databaseUrl = await backends.database("node_crashed");
    const a = await start(databaseUrl, backends.redisUrl);
    const org = await demoOrg(a.url);
    const ana = org.ana.user as User;
    const anaOf = async () =>
      (await org.sofia.get<{ users: User[] }>("/users")).body.users.find((u) => u.id === ana.id) as User;
    assert.equal((await anaOf()).state, "offline");
    const watch = await EventClient.connect(a.url, `token=${org.sofia.token}`);
    t.after(() => watch.close());
    // What a node that crashed leaves behind: ana's socket counted on it (its Redis key expired).
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    t.after(() => db.end());
    await db.query("INSERT INTO user_presence (user_id, node_id, sockets) VALUES ($1, 'crashed-node', 1)", [
      ana.id,
    ]);
    assert.equal((await anaOf()).state, "available", "counted online while the row is there");

    const told = await watch.next(
      (e) => e.type === "user.updated" && e.user.id === ana.id && e.user.state === "offline",
      5000,
    );
    assert.ok(told, "the org is told she went offline");
    await until(anaOf, (u) => u.state === "offline");
    const left = await db.query(
      "SELECT count(*)::int AS n FROM user_presence WHERE node_id = 'crashed-node'",
    );
    assert.equal(left.rows[0].n, 0, "the crashed node's rows are gone");
  });
});
