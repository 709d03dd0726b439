// The supervision rules and the call's transitions hold under concurrency, settled by the
// database (unique indexes and row locks), on the embedded PGlite and on a real PostgreSQL.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { ServerMessage } from "../../src/protocol/messages.ts";
import type { Call } from "../../src/protocol/resources.ts";
import { getCall, liveCall, widgetCall } from "../support/calls.ts";
import { Client, demoOrg, startServer, type TestServer } from "../support/server.ts";
import { hasPostgres, type RunningPostgres, startPostgres } from "../support/services.ts";
import { EventClient } from "../support/ws.ts";

const endedEvents = (c: EventClient, callId: string) =>
  c.events.filter((e: ServerMessage) => e.type === "call.ended" && e.call.id === callId).length;

async function raceSuite(name: string, databaseUrl: () => Promise<string | undefined>) {
  describe(`coaching races on ${name}`, () => {
    let server: TestServer;
    let org: Awaited<ReturnType<typeof demoOrg>>;
    let coaches: Client[];
    before(async () => {
      server = await startServer({ databaseUrl: await databaseUrl() });
      org = await demoOrg(server.url);
      // Ten more supervisors with Live Monitoring in Support's distribution, none ringing.
      const extra: string[] = [];
      for (let i = 0; i < 10; i++) {
        const r = await org.admin.post<{ user: { id: string } }>("/users", {
          email: `coach${i}@demo.test`,
          name: `Coach ${i}`,
          password: "coach-pass-2026",
          role: "supervisor",
          monitoringAccess: "live_monitoring",
        });
        extra.push(r.body.user.id);
      }
      const support = (await org.admin.get<{ number: { userIds: string[] } }>(`/numbers/${org.support}`)).body
        .number;
      await org.admin.patch(`/numbers/${org.support}`, { userIds: [...support.userIds, ...extra] });
      coaches = [org.admin, org.sofia, org.marco];
      for (let i = 0; i < 10; i++) {
        const c = await Client.login(server.url, `coach${i}@demo.test`, "coach-pass-2026");
        await c.patch("/me", { availability: "unavailable" });
        coaches.push(c);
      }
      for (const c of [org.sofia, org.marco]) await c.patch("/me", { availability: "unavailable" });
    });
    after(() => server?.close());

    it("50 simultaneous starts on one call: exactly one 201, the rest call_already_coached", async () => {
      const call = await liveCall(org.admin, org.ana, org.support);
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          coaches[i % coaches.length].post(`/calls/${call.id}/coaching`, {}),
        ),
      );
      const won = results.filter((r) => r.status === 201);
      assert.equal(won.length, 1, JSON.stringify(results.map((r) => r.status)));
      for (const r of results.filter((x) => x.status !== 201)) {
        assert.equal(r.status, 409);
        assert.equal(r.body.error?.code, "call_already_coached");
      }
      const fresh = (await org.admin.get<{ call: Call }>(`/calls/${call.id}`)).body.call;
      assert.ok(fresh.coachingSession);
      await org.admin.delete(`/coaching-sessions/${fresh.coachingSession.id}`);
      await org.ana.post(`/calls/${call.id}/hangup`);
    });

    it("one coach on two calls at the same instant: exactly one wins, the other is coach_busy", async () => {
      const a = await liveCall(org.admin, org.ana, org.support);
      const b = await liveCall(org.admin, org.luis, org.support);
      for (let round = 0; round < 5; round++) {
        const coach = coaches[3 + round];
        const [ra, rb] = await Promise.all([
          coach.post<{ session: { id: string } }>(`/calls/${a.id}/coaching`, {}),
          coach.post<{ session: { id: string } }>(`/calls/${b.id}/coaching`, {}),
        ]);
        const statuses = [ra.status, rb.status].sort();
        assert.deepEqual(statuses, [201, 409], `round ${round}: ${JSON.stringify([ra.body, rb.body])}`);
        const loser = ra.status === 409 ? ra : rb;
        assert.equal(loser.body.error?.code, "coach_busy");
        const winner = ra.status === 201 ? ra : rb;
        await coach.delete(`/coaching-sessions/${winner.body.session.id}`);
      }
      await org.ana.post(`/calls/${a.id}/hangup`);
      await org.luis.post(`/calls/${b.id}/hangup`);
    });

    it("20 hang-ups and the far end's at once: the call ends once, call.ended once, the rest 409", async () => {
      const { call, callToken } = await widgetCall(server.url, org.support);
      const [agentWs, adminWs, widgetWs] = await Promise.all([
        EventClient.connect(server.url, `token=${org.ana.token}`),
        EventClient.connect(server.url, `token=${org.admin.token}`),
        EventClient.connect(server.url, `callToken=${encodeURIComponent(callToken)}`),
      ]);
      assert.equal((await org.ana.post(`/calls/${call.id}/answer`)).status, 200);
      const [farEnd, ...hangups] = await Promise.all([
        fetch(`${server.url}/api/v1/widget/calls/${call.id}/hangup`, {
          method: "POST",
          headers: { "x-call-token": callToken },
        }),
        ...Array.from({ length: 20 }, () => org.ana.post(`/calls/${call.id}/hangup`)),
      ]);
      assert.equal(farEnd.status, 200);
      const ended = await getCall(org.admin, call.id);
      assert.equal(ended.state, "ended");
      const won = hangups.filter((r) => r.status === 200);
      // Exactly one ending: the far end's or one of the agent's.
      assert.equal(won.length, ended.endReason === "hangup_agent" ? 1 : 0, ended.endReason ?? "");
      for (const r of hangups.filter((x) => x.status !== 200)) {
        assert.equal(r.status, 409, JSON.stringify(r.body));
        assert.equal(r.body.error?.code, "invalid_transition");
        assert.match(r.body.error?.message ?? "", /already ended/);
      }
      await new Promise((r) => setTimeout(r, 300)); // any duplicate would be out by now
      for (const [who, ws] of [
        ["agent", agentWs],
        ["admin", adminWs],
        ["widget", widgetWs],
      ] as const) {
        assert.equal(endedEvents(ws, call.id), 1, `${who}: call.ended published once`);
        ws.close();
      }
    });

    it("concurrent holds and resumes apply one at a time and leave a consistent state", async () => {
      const call = await liveCall(org.admin, org.ana, org.support);
      const agentWs = await EventClient.connect(server.url, `token=${org.ana.token}`);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => org.ana.post(`/calls/${call.id}/${i % 2 ? "resume" : "hold"}`)),
      );
      const ok = (i: number) => results[i].status === 200;
      for (const r of results.filter((x) => x.status !== 200)) {
        assert.equal(r.status, 409, JSON.stringify(r.body));
        assert.equal(r.body.error?.code, "invalid_transition");
      }
      // Each success toggled the state: holds and resumes alternate, starting with a hold.
      const holds = results.filter((_, i) => i % 2 === 0 && ok(i)).length;
      const resumes = results.filter((_, i) => i % 2 === 1 && ok(i)).length;
      assert.ok(holds - resumes === 0 || holds - resumes === 1, `${holds} holds, ${resumes} resumes`);
      const fresh = await getCall(org.ana, call.id);
      assert.equal(fresh.state, holds > resumes ? "on_hold" : "in_progress");
      // The events tell the same story, in the same order.
      await new Promise((r) => setTimeout(r, 300));
      const states = agentWs.events
        .filter((e: ServerMessage) => e.type === "call.updated" && e.call.id === call.id)
        .map((e) => ("call" in e ? e.call.state : null));
      assert.equal(states.length, holds + resumes);
      assert.equal(states.at(-1) ?? "in_progress", fresh.state);
      assert.deepEqual(
        states,
        states.map((_, i) => (i % 2 ? "in_progress" : "on_hold")),
      );
      agentWs.close();
      await org.ana.post(`/calls/${call.id}/hangup`);
    });

    it("comments and a coach joining race a hang-up: nothing tells the call live after its end", async () => {
      for (let round = 0; round < 3; round++) {
        const call = await liveCall(org.admin, org.ana, org.support);
        const adminWs = await EventClient.connect(server.url, `token=${org.admin.token}`);
        const coach = coaches[3 + round];
        await Promise.all([
          ...Array.from({ length: 10 }, (_, i) =>
            org.ana.post(`/calls/${call.id}/comments`, { text: `n${i}` }),
          ),
          coach.post(`/calls/${call.id}/coaching`, {}),
          org.ana.post(`/calls/${call.id}/hangup`),
          ...Array.from({ length: 10 }, (_, i) =>
            org.admin.post(`/calls/${call.id}/comments`, { text: `a${i}` }),
          ),
        ]);
        await new Promise((r) => setTimeout(r, 300)); // any late event would be out by now
        const told = adminWs.events.flatMap((e: ServerMessage) =>
          (e.type === "call.updated" || e.type === "call.ended") && e.call.id === call.id ? [e] : [],
        );
        const end = told.findIndex((e) => e.type === "call.ended");
        assert.ok(end >= 0, "call.ended was published");
        const late = told.slice(end).filter((e) => e.call.state !== "ended");
        assert.deepEqual(
          late.map((e) => `${e.type} ${e.call.state}`),
          [],
          `round ${round}: events after call.ended show the call live`,
        );
        adminWs.close();
      }
    });
  });
}

raceSuite("PGlite (embedded)", async () => undefined);

let pg: RunningPostgres | undefined;
if (hasPostgres()) {
  raceSuite("PostgreSQL", async () => {
    pg = await startPostgres();
    return pg.createDatabase("races");
  });
  after(async () => pg?.stop());
} else {
  it("PostgreSQL is installed for the scale-out tests", () =>
    assert.fail("install postgresql (.ci/run does)"));
}
