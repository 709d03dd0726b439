// Two Earshot nodes on one PostgreSQL and one Redis, each with its own media plane, as behind
// a load balancer: the customer's widget reaches node A (which opens the call, so owns its
// media), the agent and the coach reach node B. Their offers, the mode changes and the
// leave all go through B, and still every party hears exactly SPEC §3's table; the end of
// a leg reaches the coach's socket on B. An offer for a call whose media node has stopped
// fails with a clear error instead of hanging.

import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { CoachingSession } from "../../src/protocol/resources.ts";
import type { BrowserParty } from "../support/browser.ts";
import { widgetCall } from "../support/calls.ts";
import { testMedia } from "../support/media.ts";
import { Client, demoOrg, startServer, type TestServer } from "../support/server.ts";
import { type Backends, requireBackends, startBackends } from "../support/services.ts";
import { type SignalHarness, startSignalHarness } from "../support/signal-harness.ts";
import {
  expectHearing,
  LISTEN,
  launchParties,
  NO_COACH,
  type PARTIES,
  WHISPER,
  waitFor,
} from "./routing.browser.ts";

describe("media across two nodes (PostgreSQL + Redis)", {
  timeout: 150_000,
}, () => {
  let dir: string;
  let backends: Backends;
  let a: TestServer;
  let b: TestServer;
  let harness: SignalHarness;
  const party = {} as Record<(typeof PARTIES)[number], BrowserParty>;

  before(async () => {
    requireBackends();
    dir = mkdtempSync(join(tmpdir(), "earshot-cluster-"));
    backends = await startBackends();
    const databaseUrl = await backends.database("media_cluster");
    const node = async () =>
      startServer({
        databaseUrl,
        redisUrl: backends.redisUrl,
        env: { EARSHOT_SECRET: "shared" },
        media: await testMedia({ hosts: ["127.0.0.1"], connectTimeoutMs: 4000 }),
      });
    a = await node();
    b = await node();
    harness = await startSignalHarness();
    Object.assign(party, await launchParties(dir, harness));
  });
  after(async () => {
    await Promise.all(Object.values(party).map((x) => x?.close()));
    await harness?.close();
    // Bounded like a real process's shutdown (src/server.ts exits after 5 s).
    await Promise.race([a?.close(), sleep(5000)]);
    await b?.close();
    await backends?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const ws = (node: TestServer, q: string) => `${node.url.replace("http", "ws")}/api/v1/ws?${q}`;

  it("parties on different nodes hear exactly the routing table; commands from any node reach the call's media", async () => {
    const onA = await demoOrg(a.url);
    const [ana, sofia] = await Promise.all([
      Client.login(b.url, "ana@demo.test"),
      Client.login(b.url, "sofia@demo.test"),
    ]);

    // The customer calls through node A; ana answers through node B.
    const { call, callToken } = await widgetCall(a.url, onA.support);
    assert.equal((await ana.post(`/calls/${call.id}/answer`)).status, 200);
    await party.customer.joinViaApi(
      ws(a, `callToken=${encodeURIComponent(callToken)}`),
      call.id,
      "customer",
      "opus",
    );
    await party.agent.joinViaApi(ws(b, `token=${ana.token}`), call.id, "agent", "opus");
    await expectHearing(party, { ...NO_COACH, coach: [null, null] }, { label: "call across nodes" });

    // sofia coaches through node B: listen, whisper, listen.
    const start = await sofia.post<{ session: CoachingSession }>(`/calls/${call.id}/coaching`, {});
    assert.equal(start.status, 201, JSON.stringify(start.body));
    const session = start.body.session;
    await party.coach.joinViaApi(ws(b, `token=${sofia.token}`), call.id, "coach", "opus");
    await expectHearing(party, LISTEN, {
      label: "listen",
      never: [
        ["customer", "coach"],
        ["agent", "coach"],
      ],
    });
    assert.equal((await sofia.patch(`/coaching-sessions/${session.id}`, { mode: "whisper" })).status, 200);
    await expectHearing(party, WHISPER, { label: "whisper", never: [["customer", "coach"]] });
    // A mode change through the other node reaches the same media.
    const sofiaOnA = await Client.login(a.url, "sofia@demo.test");
    assert.equal((await sofiaOnA.patch(`/coaching-sessions/${session.id}`, { mode: "listen" })).status, 200);
    await expectHearing(party, LISTEN, { label: "listen via A", never: [["customer", "coach"]] });

    // Leaving through node A: the coach's leg ends on A's media, and B's socket is told.
    assert.equal((await sofiaOnA.delete(`/coaching-sessions/${session.id}`)).status, 200);
    await expectHearing(party, NO_COACH, {
      label: "left",
      never: [
        ["customer", "coach"],
        ["agent", "coach"],
      ],
    });
    await waitFor(
      async () => (await party.coach.wsMessages()).some((m) => m.type === "media.closed"),
      "media.closed on the coach's socket (node B)",
    );
    // The owner's refusal of a bad offer comes back through the relay as it would on one node.
    const refused = await party.agent.wsRequest({
      type: "media.offer",
      callId: call.id,
      role: "agent",
      sdp: "v=0\r\n",
    });
    assert.equal(refused.type, "error", JSON.stringify(refused));
    assert.equal(refused.code, "signalling_error");
    assert.match(String(refused.message), /The offer was refused/);
    assert.equal((await ana.post(`/calls/${call.id}/hangup`)).status, 200);
  });

  // Once intermittent (about one run in three, no reply at all): the page sends its offer as
  // soon as its new socket opens, and the hub lost messages that came while it authenticated
  // the socket against PostgreSQL (test/api/ws-early-message.test.ts). If it ever hangs again,
  // it fails within 25 s with the page's socket state.
  it("an offer for a call whose media node has stopped fails with a clear error, not a hang", async () => {
    const onA = await demoOrg(a.url);
    const ana = await Client.login(b.url, "ana@demo.test");
    const { call } = await widgetCall(a.url, onA.support);
    assert.equal((await ana.post(`/calls/${call.id}/answer`)).status, 200);
    // Node A, which owns the call's media, stops as src/server.ts stops a process: a graceful
    // close, given at most 5 s before the process exits anyway. (In two full-suite runs its
    // in-process close took over 100 s; the media plane closes before what can wait that long.)
    const closing = Date.now();
    const closed = await Promise.race([a.close().then(() => true), sleep(5000).then(() => false)]);
    if (!closed) console.error(`node A's close had not finished after ${Date.now() - closing} ms`);
    const t0 = Date.now();
    const join = party.agent.joinViaApi(ws(b, `token=${ana.token}`), call.id, "agent", "opus").then(
      () => null,
      (e: Error) => e,
    );
    const early = await Promise.race([join, sleep(25_000).then(() => "late" as const)]);
    if (early === "late") {
      const socket = await party.agent.page.evaluate(
        "({ readyState: typeof ws === 'undefined' ? -1 : ws && ws.readyState, url: ws && ws.url, pending: window.wsPending.size })",
      );
      const last = (await party.agent.wsMessages()).slice(-5);
      throw new Error(
        `no reply to the offer in 25 s: socket ${JSON.stringify(socket)}, last messages ${JSON.stringify(last).slice(0, 1500)}`,
      );
    }
    const error = await join;
    assert.ok(error, "the offer was answered by a node that does not own the call");
    assert.match(error.message, /signalling_error/);
    assert.match(error.message, /media node did not answer/);
    assert.ok(Date.now() - t0 < 30_000);
  });
});
