// Every call event carries the receiving user's grants on the call, the very grants
// GET /calls/:id gives that user: a page merges the event and need not read the calls again.
// Checked for five viewers (agents in and out of the line, supervisors with and without
// Live Monitoring+, the admin) across a call's life: ringing, answered, coached by another, on
// hold, a transfer that rings, declined and accepted, a line distribution change, the end.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { isDeepStrictEqual } from "node:util";
import type { ServerMessage } from "../../src/protocol/messages.ts";
import type { Call } from "../../src/protocol/resources.ts";
import { startCoaching } from "../support/calls.ts";
import { type Client, demoOrg, startServer, type TestServer } from "../support/server.ts";
import { EventClient } from "../support/ws.ts";

interface Viewer {
  name: string;
  client: Client;
  events: EventClient;
}

/** The newest call resource `v`'s socket received for `callId`. */
function lastTold(v: Viewer, callId: string): Call | undefined {
  const told = v.events.events.filter(
    (e): e is Extract<ServerMessage, { call: Call }> => "call" in e && e.call.id === callId,
  );
  return told.at(-1)?.call;
}

describe("call events carry each viewer's grants", () => {
  let server: TestServer;
  let org: Awaited<ReturnType<typeof demoOrg>>;
  let viewers: Viewer[];
  before(async () => {
    server = await startServer();
    org = await demoOrg(server.url);
    const named = { admin: org.admin, sofia: org.sofia, marco: org.marco, ana: org.ana, luis: org.luis };
    viewers = await Promise.all(
      Object.entries(named).map(async ([name, client]) => ({
        name,
        client,
        events: await EventClient.connect(server.url, `token=${client.token}`),
      })),
    );
  });
  after(async () => {
    for (const v of viewers) v.events.close();
    await server.close();
  });

  /**
   * After `step`: each viewer who may read the call holds, from its last event, the grants the
   * API gives them (waiting up to 3 s for the socket to catch up); one who may not got nothing
   * since. Returns how many viewers were compared.
   */
  async function agree(step: string, callId: string): Promise<number> {
    let compared = 0;
    for (const v of viewers) {
      const deadline = Date.now() + 3000;
      for (;;) {
        const r = await v.client.get<{ call: Call }>(`/calls/${callId}`);
        const told = lastTold(v, callId);
        if (r.status === 404) break; // not theirs to see: checked by the audience tests
        assert.equal(r.status, 200, JSON.stringify(r.body));
        const api = r.body.call;
        const seen = (c: Call | undefined) => c && { state: c.state, grants: c.grants, coach: c.coach };
        if (told && isDeepStrictEqual(seen(told), seen(api))) {
          compared++;
          break;
        }
        if (Date.now() > deadline) {
          assert.ok(told, `${step}: ${v.name} may read the call but got no event of it`);
          assert.ok(told.grants, `${step}: ${v.name}'s event carries grants`);
          assert.deepStrictEqual(
            seen(told),
            seen(api),
            `${step}: ${v.name}'s event says what GET /calls/${callId} says`,
          );
        }
        await new Promise((res) => setTimeout(res, 50));
      }
    }
    return compared;
  }

  it("equal GET /calls/:id for every viewer, at every step of a call", async () => {
    const created = await org.admin.post<{ call: Call }>("/demo/calls", { numberId: org.support });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.call.id;
    const counts: Record<string, number> = {};
    counts.ringing = await agree("ringing", id);

    assert.equal((await org.ana.post(`/calls/${id}/answer`)).status, 200);
    counts.answered = await agree("answered by ana", id);

    const session = await startCoaching(org.sofia, id);
    counts.coached = await agree("coached by sofia", id);

    // A second call: its events carry what sofia may do now she coaches (her user.updated came between).
    const second = await org.admin.post<{ call: Call }>("/demo/calls", { numberId: org.support });
    const id2 = second.body.call.id;
    counts.second = await agree("a second call while ana talks and sofia coaches", id2);
    const byName = (n: string) => viewers.find((v) => v.name === n) as Viewer;
    assert.equal((await org.luis.post(`/calls/${id2}/answer`)).status, 200);
    counts.second_answered = await agree("the second call answered by luis", id2);
    assert.equal(lastTold(byName("sofia"), id2)?.grants?.coach.code, "coach_busy");
    assert.equal((await org.luis.post(`/calls/${id2}/hangup`)).status, 200);

    assert.equal((await org.ana.post(`/calls/${id}/hold`)).status, 200);
    counts.held = await agree("on hold", id);
    assert.equal((await org.ana.post(`/calls/${id}/resume`)).status, 200);

    assert.equal((await org.ana.post(`/calls/${id}/transfer`, { toUserId: org.luis.user?.id })).status, 200);
    counts.offered = await agree("a transfer ringing luis", id);
    assert.equal((await org.luis.post(`/calls/${id}/transfer/decline`)).status, 200);
    counts.declined = await agree("declined", id);

    // Marco's Coach grant names the session sofia runs; a line change is told (numbers.changed).
    const support = await org.admin.get<{ number: { userIds: string[] } }>(`/numbers/${org.support}`);
    const lines = support.body.number.userIds;
    const changed = await org.admin.patch(`/numbers/${org.support}`, {
      userIds: lines.filter((u) => u !== org.marco.user?.id),
    });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    for (const v of viewers)
      await v.events.next((e) => e.type === "numbers.changed" && e.numberId === org.support);

    assert.equal((await org.sofia.delete(`/coaching-sessions/${session.id}`)).status, 200);
    counts.uncoached = await agree("sofia left", id);

    assert.equal((await org.ana.post(`/calls/${id}/transfer`, { toUserId: org.luis.user?.id })).status, 200);
    assert.equal((await org.luis.post(`/calls/${id}/transfer/accept`)).status, 200);
    counts.accepted = await agree("accepted by luis", id);

    assert.equal((await org.luis.post(`/calls/${id}/hangup`)).status, 200);
    counts.ended = await agree("ended", id);

    await org.admin.patch(`/numbers/${org.support}`, { userIds: lines });
    // Supervisors and the admin see every step; ana and luis while the call is theirs or rings them.
    for (const [step, n] of Object.entries(counts)) assert.ok(n >= 3, `${step}: ${n} viewers compared`);
  });
});
