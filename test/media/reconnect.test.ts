// Issue 12: a leg that loses its path recovers by ICE restart, and the routing is still right.
// A coached call in whisper (widget customer, agent and coach in three Chromiums, 440 / 1000 /
// 1700 Hz), signalled through Earshot's WebSocket with trickle ICE. The agent's path is cut by
// dropping the server's UDP port of that leg (iptables, loopback): the browser restarts ICE,
// the leg comes back as the same leg, and the FFT says the agent hears customer + coach and the
// customer only the agent, never the coach. Cut for longer than the reconnection grace period,
// the agent's softphone is gone (SPEC §2): the call goes back to its queue, the customer hears
// hold music, and the coaching session ends with "agent_disconnected", as the API and the
// events say.

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { HOLD_MUSIC_NOTES } from "../../src/media/sources.ts";
import type { Call, CoachingSession } from "../../src/protocol/resources.ts";
import type { BrowserParty } from "../support/browser.ts";
import { getCall } from "../support/calls.ts";
import { testMedia } from "../support/media.ts";
import { cutUdpPort } from "../support/netcut.ts";
import { type DemoOrg, type SupervisionRig, startRig } from "../support/rig.ts";
import type { TestServer } from "../support/server.ts";
import { EventClient } from "../support/ws.ts";
import { expectHearing, type PARTIES, TONES, WHISPER, waitFor } from "./routing.browser.ts";

/** Short, so that the second cut outlasts it quickly; long enough for Chromium to notice, restart and reconnect. */
const GRACE_MS = 12_000;

describe("a leg that loses its path", { timeout: 180_000 }, () => {
  let rig: SupervisionRig;
  let server: TestServer;
  let org: DemoOrg;
  const b = {} as Record<(typeof PARTIES)[number], BrowserParty>;

  before(async () => {
    rig = await startRig(
      await testMedia({ hosts: ["127.0.0.1"], connectTimeoutMs: 4000, reconnectGraceMs: GRACE_MS }),
    );
    ({ server, org } = rig);
    Object.assign(b, rig.parties);
  });
  after(() => rig?.close());

  it("restarts ICE on the same leg with the routing unchanged; past the grace period the call goes back to its queue", async () => {
    const call = await rig.connectedCall();
    const start = await org.sofia.post<{ session: CoachingSession }>(`/calls/${call.id}/coaching`, {});
    assert.equal(start.status, 201);
    await b.coach.joinViaApi(rig.ws(`token=${org.sofia.token}`), call.id, "coach", "opus");
    assert.equal(
      (await org.sofia.patch(`/coaching-sessions/${start.body.session.id}`, { mode: "whisper" })).status,
      200,
    );
    const never = [["customer", "coach"]] as const;
    await expectHearing(b, WHISPER, { label: "whisper", never });

    const before = await b.agent.iceInfo();
    assert.ok(before.legId && before.serverPort, JSON.stringify(before));

    // Cut: the browser notices (ICE disconnected), restarts ICE over the WebSocket; the path
    // comes back only once the cut ends, on the same leg.
    const cutAt = Date.now();
    let restore = cutUdpPort(before.serverPort);
    try {
      await waitFor(
        async () => (await b.agent.iceInfo()).restarts.length > 0,
        "the agent's browser restarts ICE",
        20_000,
      );
      const restartedAt = Date.now();
      // While the agent is away (its microphone cannot reach the server; once the server has
      // taken the restart, nothing reaches the agent either) the customer never hears the coach.
      for (let i = 0; i < 15; i++) {
        const heard = await b.customer.levels([TONES.coach]);
        for (const slot of heard ?? [])
          assert.ok(!(slot.levels[0] > -60), `LEAK while cut: ${slot.levels[0]} dB`);
        await sleep(100);
      }
      restore();
      const restoredAt = Date.now();
      await waitFor(
        async () => ["connected", "completed"].includes((await b.agent.iceInfo()).iceState ?? ""),
        "the agent's ICE is connected again",
        15_000,
      );
      await expectHearing(b, WHISPER, { label: "after the ICE restart", never, timeoutMs: 10_000 });
      const after = await b.agent.iceInfo();
      assert.equal(after.legId, before.legId, "the same leg");
      assert.equal(after.serverPort, before.serverPort, "on the same server socket");
      assert.ok(after.restarts.length >= 1);
      assert.ok(!(await b.agent.wsMessages()).some((m) => m.type === "media.closed"), "the leg never closed");
      assert.equal((await getCall(org.admin, call.id)).state, "in_progress");
      console.log(
        `reconnect: restart ${restartedAt - cutAt} ms after the cut; audio right ${Date.now() - restoredAt} ms after the path came back; ${after.restarts.length} restart(s)`,
      );
    } finally {
      restore();
    }

    // Cut for longer than the grace period: the call waits in its queue again, for everyone to see.
    const events = await EventClient.connect(server.url, `token=${org.sofia.token}`);
    restore = cutUdpPort(before.serverPort);
    try {
      const requeued = (await events.next(
        (m) => m.type === "call.updated" && m.call.id === call.id && m.call.state === "ringing",
        GRACE_MS + 20_000,
      )) as { call: Call };
      assert.equal(requeued.call.agentId, null);
      const now = await getCall(org.admin, call.id);
      assert.deepEqual([now.state, now.endReason], ["ringing", null]);
      const sessions = (
        await org.admin.get<{ sessions: CoachingSession[] }>(`/coaching-sessions?callId=${call.id}`)
      ).body.sessions;
      assert.equal(sessions.find((s) => s.id === start.body.session.id)?.endReason, "agent_disconnected");
      // The customer hears hold music (one of its notes, by FFT) while the call waits.
      await waitFor(async () => {
        const slots = await b.customer.levels(HOLD_MUSIC_NOTES);
        return !!slots && slots[0].levels.some((db) => db > -45);
      }, "back in the queue: the customer hears hold music");
      await waitFor(
        async () =>
          (await b.agent.wsMessages()).some(
            (m) => m.type === "media.closed" && m.reason === "connection_lost",
          ),
        "the agent's leg is closed with connection_lost",
      );
    } finally {
      restore();
      events.close();
    }
  });
});
