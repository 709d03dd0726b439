// The supervision rules hold under concurrency, settled by the database (unique
// indexes and row locks), on the embedded PGlite and on a real PostgreSQL.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Call } from "../../src/protocol/resources.ts";
import { liveCall } from "../support/calls.ts";
import { Client, demoOrg, startServer, type TestServer } from "../support/server.ts";
import { hasPostgres, type RunningPostgres, startPostgres } from "../support/services.ts";

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
