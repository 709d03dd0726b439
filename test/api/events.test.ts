// Events reach the WebSocket clients allowed to see them and no others; with PostgreSQL
// and Redis, two server nodes share events and the coaching rules.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { ServerMessage } from "../../src/protocol/messages.ts";
import type { Call } from "../../src/protocol/resources.ts";
import { liveCall, widgetCall } from "../support/calls.ts";
import { Client, demoOrg, startServer, type TestServer } from "../support/server.ts";
import { type Backends, requireBackends, startBackends } from "../support/services.ts";
import { EventClient } from "../support/ws.ts";

const aboutCall = (id: string) => (e: ServerMessage) => "call" in e && (e as { call: Call }).call.id === id;

describe("WebSocket events", () => {
  let server: TestServer;
  let org: Awaited<ReturnType<typeof demoOrg>>;
  before(async () => {
    server = await startServer();
    org = await demoOrg(server.url);
  });
  after(() => server.close());

  it("refuses a connection without a valid token", async () => {
    await assert.rejects(EventClient.connect(server.url, "token=nope"), /refused: unauthenticated/);
  });

  it("delivers call and coaching events to the allowed users only", async () => {
    const [ana, luis, sofia, marco] = await Promise.all(
      [org.ana, org.luis, org.sofia, org.marco].map((c) =>
        EventClient.connect(server.url, `token=${c.token}`),
      ),
    );
    await luis.next((e) => e.type === "hello");
    await org.luis.patch("/me", { availability: "unavailable" }); // luis does not ring
    await luis.next((e) => e.type === "user.updated");
    const call = await liveCall(org.admin, org.ana, org.support);
    await ana.next(
      (e) => e.type === "call.updated" && e.call.id === call.id && e.call.state === "in_progress",
    );
    await sofia.next((e) => e.type === "call.updated" && e.call.id === call.id);
    await marco.next(aboutCall(call.id));
    const r = await org.sofia.post<{ session: { id: string } }>(`/calls/${call.id}/coaching`, {
      notifyUser: true,
    });
    await ana.next((e) => e.type === "coaching.notify" && e.session.coachName === "Sofia");
    await org.sofia.post(`/coaching-sessions/${r.body.session.id}/messages`, {
      text: "Ask for the order number",
    });
    await ana.next((e) => e.type === "coaching.message" && e.text === "Ask for the order number");
    await marco.next((e) => e.type === "coaching.started");
    // A mode change and the end carry the session: its text whispers only to its coach and agent.
    await org.sofia.patch(`/coaching-sessions/${r.body.session.id}`, { mode: "whisper" });
    const whispers = (e: ServerMessage) =>
      "session" in e && "messages" in e.session ? e.session.messages : [];
    const switched = await sofia.next((e) => e.type === "coaching.mode_changed");
    assert.deepEqual(
      whispers(switched).map((m) => m.text),
      ["Ask for the order number"],
      "the coach has her whispers",
    );
    assert.deepEqual(whispers(await marco.next((e) => e.type === "coaching.mode_changed")), []);
    await org.ana.post(`/calls/${call.id}/hangup`);
    await marco.next((e) => e.type === "call.ended" && e.call.id === call.id);
    assert.equal(
      whispers(await ana.next((e) => e.type === "coaching.ended")).length,
      1,
      "the agent has them",
    );
    assert.deepEqual(whispers(await marco.next((e) => e.type === "coaching.ended")), []);
    // luis, an agent of the same org, is told about users but never about ana's call or its coaching.
    assert.ok(!luis.has(aboutCall(call.id)), "an agent does not get other agents' calls");
    assert.ok(!luis.has((e) => e.type.startsWith("coaching.")), "an agent does not get others' coaching");
    assert.ok(
      !marco.has((e) => e.type === "coaching.notify" || e.type === "coaching.message"),
      "whispers are private",
    );
    assert.ok(luis.has((e) => e.type === "user.updated"));
    await org.luis.patch("/me", { availability: "available" });
    for (const c of [ana, luis, sofia, marco]) c.close();
  });

  it("gives the widget customer their call's state and nothing else", async () => {
    // An agent rings for one call at a time (docs/ARCHITECTURE.md "Queues"): luis's call first.
    const other = await liveCall(org.admin, org.luis, org.support);
    const { call, callToken } = await widgetCall(server.url, org.support);
    const customer = await EventClient.connect(server.url, `callToken=${encodeURIComponent(callToken)}`);
    await org.ana.post(`/calls/${call.id}/answer`);
    const e = await customer.next((x) => x.type === "call.updated" && x.call.state === "in_progress");
    // The call's projection for the customer (WidgetCall), nothing of the organisation's.
    assert.deepEqual("call" in e && Object.keys(e.call).sort(), ["id", "numberId", "queuePosition", "state"]);
    assert.ok(!customer.has(aboutCall(other.id)));
    assert.ok(!customer.has((x) => x.type === "user.updated" || x.type.startsWith("coaching.")));
    await assert.rejects(EventClient.connect(server.url, `callToken=${call.id}.forged`));
    customer.close();
    await org.ana.post(`/calls/${call.id}/hangup`);
    await org.luis.post(`/calls/${other.id}/hangup`);
  });
});

describe("two server nodes on PostgreSQL and Redis", () => {
  let backends: Backends;
  let a: TestServer;
  let b: TestServer;
  before(async () => {
    requireBackends();
    backends = await startBackends();
    const databaseUrl = await backends.database("nodes");
    a = await startServer({ databaseUrl, redisUrl: backends.redisUrl, env: { EARSHOT_SECRET: "shared" } });
    b = await startServer({ databaseUrl, redisUrl: backends.redisUrl, env: { EARSHOT_SECRET: "shared" } });
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await backends?.stop();
  });

  it("an event from node A reaches a client of node B; one coach on two nodes wins once", async () => {
    const onA = await demoOrg(a.url);
    const sofiaOnB = await Client.login(b.url, "sofia@demo.test");
    const watcher = await EventClient.connect(b.url, `token=${sofiaOnB.token}`);
    const first = await liveCall(onA.admin, onA.ana, onA.support);
    await watcher.next(
      (e) => e.type === "call.updated" && e.call.id === first.id && e.call.state === "in_progress",
    );
    const second = await liveCall(onA.admin, onA.luis, onA.support);
    const [ra, rb] = await Promise.all([
      onA.sofia.post(`/calls/${first.id}/coaching`, {}),
      sofiaOnB.post(`/calls/${second.id}/coaching`, {}),
    ]);
    assert.deepEqual([ra.status, rb.status].sort(), [201, 409]);
    assert.equal((ra.status === 409 ? ra : rb).body.error?.code, "coach_busy");
    await watcher.next((e) => e.type === "coaching.started");
    watcher.close();
  });
});
