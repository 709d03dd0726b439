// Issue 4 end to end: a web-widget customer, an agent and a coach in three real
// Chromiums (440 / 1000 / 1700 Hz fake microphones) attach their audio through
// Earshot's own WebSocket signalling; every mode change goes through the HTTP API, and
// an FFT of what each one hears must match SPEC §3's table at every step.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createMedia } from "../../src/media/nodeMedia.ts";
import type { CoachingSession } from "../../src/protocol/resources.ts";
import {
  BARGE,
  type Expectation,
  expectHearing,
  LISTEN,
  NO_COACH,
  type PARTIES,
  WHISPER,
  waitFor,
} from "../media/routing.browser.ts";
import type { BrowserParty } from "../support/browser.ts";
import { getCall } from "../support/calls.ts";
import { type DemoOrg, type SupervisionRig, startRig } from "../support/rig.ts";
import { EventClient } from "../support/ws.ts";

// Both ways (issue 16): the media plane in the main thread, and in two worker threads.
for (const workers of [0, 2])
  describe(`coaching audio through the API and WebSocket signalling (${workers} media workers)`, {
    timeout: 150_000,
  }, () => {
    let rig: SupervisionRig;
    let org: DemoOrg;
    const b = {} as Record<(typeof PARTIES)[number], BrowserParty>;

    before(async () => {
      rig = await startRig(await createMedia(workers, { hosts: ["127.0.0.1"], connectTimeoutMs: 4000 }));
      ({ org } = rig);
      Object.assign(b, rig.parties);
    });
    after(() => rig?.close());

    const ws = (q: string) => rig.ws(q);
    const connectedCall = () => rig.connectedCall();

    it("widget customer, agent and coach hear exactly SPEC §3 in every mode; the coach leg follows the call", async () => {
      // The customer calls Support from the web widget; ana answers.
      const call = await connectedCall();
      await expectHearing(b, { ...NO_COACH, coach: [null, null] }, { label: "call" });

      // sofia coaches: listen first — the coach hears both, nobody hears the coach.
      const start = await org.sofia.post<{ session: CoachingSession }>(`/calls/${call.id}/coaching`, {
        notifyUser: true,
      });
      assert.equal(start.status, 201);
      const session = start.body.session;
      await b.coach.joinViaApi(ws(`token=${org.sofia.token}`), call.id, "coach", "opus");
      await expectHearing(b, LISTEN, {
        label: "listen",
        never: [
          ["customer", "coach"],
          ["agent", "coach"],
        ],
      });

      const mode = async (m: string, want: Expectation, label: string, never: [string, string][] = []) => {
        const r = await org.sofia.patch(`/coaching-sessions/${session.id}`, { mode: m });
        assert.equal(r.status, 200, JSON.stringify(r.body));
        await expectHearing(b, want, { label, never: never as never });
      };
      await mode("whisper", WHISPER, "whisper", [["customer", "coach"]]);
      await mode("barge", BARGE, "barge");
      await mode("whisper", WHISPER, "whisper again");
      await mode("listen", LISTEN, "listen again", [["customer", "coach"]]);

      // Leave: the server detaches the coach; rejoin as often as needed.
      await org.sofia.delete(`/coaching-sessions/${session.id}`);
      await expectHearing(b, NO_COACH, {
        label: "left",
        never: [
          ["customer", "coach"],
          ["agent", "coach"],
        ],
      });
      const again = (await org.sofia.post<{ session: CoachingSession }>(`/calls/${call.id}/coaching`, {}))
        .body.session;
      await b.coach.joinViaApi(ws(`token=${org.sofia.token}`), call.id, "coach", "opus");
      await expectHearing(b, LISTEN, {
        label: "rejoined",
        never: [
          ["customer", "coach"],
          ["agent", "coach"],
        ],
      });
      await org.sofia.patch(`/coaching-sessions/${again.id}`, { mode: "whisper" });
      await expectHearing(b, WHISPER, { label: "rejoined whisper", never: [["customer", "coach"]] });

      // The agent keeps every action while coached: mute, hold, resume.
      await org.ana.post(`/calls/${call.id}/mute`);
      await expectHearing(
        b,
        { ...WHISPER, customer: [null, null], coach: ["customer", null] },
        { label: "muted" },
      );
      await org.ana.post(`/calls/${call.id}/unmute`);
      await org.ana.post(`/calls/${call.id}/hold`);
      await expectHearing(
        b,
        { customer: ["other", null], agent: [null, "coach"], coach: ["customer", "agent"] },
        { label: "hold", never: [["customer", "coach"]] },
      );
      await org.ana.post(`/calls/${call.id}/resume`);
      await expectHearing(b, WHISPER, { label: "resumed", never: [["customer", "coach"]] });

      // Transfer away from ana: the session ends with the reason and the coach's leg is closed.
      // A transfer rings luis's open softphone (his socket) and he accepts it.
      const luisPhone = await EventClient.connect(rig.server.url, `token=${org.luis.token}`);
      await org.ana.post(`/calls/${call.id}/transfer`, { toUserId: org.luis.id });
      assert.equal((await org.luis.post(`/calls/${call.id}/transfer/accept`)).status, 200);
      const audit = (
        await org.admin.get<{ sessions: CoachingSession[] }>(`/coaching-sessions?callId=${call.id}`)
      ).body.sessions;
      assert.equal(audit.find((x) => x.id === again.id)?.endReason, "transferred");
      await waitFor(
        async () => (await b.coach.wsMessages()).some((m) => m.type === "media.closed"),
        "coach leg closed",
      );
      await waitFor(
        async () => (await b.agent.wsMessages()).some((m) => m.type === "media.closed"),
        "ana's leg closed",
      );

      // luis takes over the call's audio; sofia coaches him; the customer hangs up → the session ends.
      await b.agent.joinViaApi(ws(`token=${org.luis.token}`), call.id, "agent", "opus");
      const third = (await org.sofia.post<{ session: CoachingSession }>(`/calls/${call.id}/coaching`, {}))
        .body.session;
      await b.coach.joinViaApi(ws(`token=${org.sofia.token}`), call.id, "coach", "opus");
      await expectHearing(b, LISTEN, {
        label: "luis coached",
        never: [
          ["customer", "coach"],
          ["agent", "coach"],
        ],
      });
      await org.luis.post(`/calls/${call.id}/hangup`);
      luisPhone.close();
      assert.equal((await getCall(org.admin, call.id)).state, "ended");
      const ended = (
        await org.admin.get<{ sessions: CoachingSession[] }>(`/coaching-sessions?callId=${call.id}`)
      ).body.sessions;
      assert.equal(ended.find((x) => x.id === third.id)?.endReason, "call_ended");
      await expectHearing(
        b,
        { customer: [null, null], agent: [null, null], coach: [null, null] },
        { label: "hung up", never: [["customer", "coach"]] },
      );
    });

    it("refuses bad signalling with a clear error on the socket while the call keeps flowing", async () => {
      const call = await connectedCall();
      await b.coach.leave();
      const calling = { customer: ["agent", null], agent: ["customer", null], coach: [null, null] } as const;
      await expectHearing({ customer: b.customer, agent: b.agent }, calling, { label: "before bad input" });

      // marco (coach page, now signed in as marco) tries: malformed SDP, someone else's leg, a call he is not part of.
      await b.coach.joinViaApi(ws(`token=${org.marco.token}`), call.id, "coach", "opus").catch((e: Error) => {
        assert.match(e.message, /forbidden/);
      });
      const replies = [
        await b.coach.wsRequest({ type: "media.offer", callId: call.id, role: "coach", sdp: "not sdp" }),
        await b.coach.wsRequest({ type: "media.offer", callId: call.id, role: "agent", sdp: "v=0\r\n" }),
        await b.coach.wsRequest({ type: "media.offer", callId: call.id, role: "customer", sdp: "v=0\r\n" }),
        await b.coach.wsRequest({
          type: "media.offer",
          callId: "no-such-call",
          role: "agent",
          sdp: "v=0\r\n",
        }),
        await b.coach.wsRequest({ type: "media.offer", callId: call.id, role: "boss", sdp: "v=0\r\n" }),
      ];
      for (const r of replies) {
        assert.equal(r.type, "error", JSON.stringify(r));
        assert.ok(
          typeof r.code === "string" && typeof r.message === "string" && (r.message as string).length > 5,
        );
      }
      assert.deepEqual(
        replies.map((r) => r.code),
        ["signalling_error", "forbidden", "forbidden", "signalling_error", "signalling_error"],
      );
      await expectHearing({ customer: b.customer, agent: b.agent }, calling, { label: "after bad input" });
      await org.ana.post(`/calls/${call.id}/hangup`);
    });

    it("a standby coach leg is silent both ways until the session, and someone else's is released", async () => {
      const call = await connectedCall();
      // sofia prepares her leg before joining (the Coach dialog does this): it hears nothing, nobody hears it.
      await b.coach.joinViaApi(ws(`token=${org.sofia.token}`), call.id, "coach", "opus");
      await expectHearing(b, NO_COACH, {
        label: "standby",
        never: [
          ["customer", "coach"],
          ["agent", "coach"],
        ],
      });
      const s1 = (await org.sofia.post<{ session: CoachingSession }>(`/calls/${call.id}/coaching`, {})).body
        .session;
      await expectHearing(b, LISTEN, {
        label: "joined on the standby leg",
        never: [
          ["customer", "coach"],
          ["agent", "coach"],
        ],
      });
      await org.sofia.delete(`/coaching-sessions/${s1.id}`);
      await waitFor(
        async () => (await b.coach.wsMessages()).some((m) => m.type === "media.closed"),
        "sofia's leg closed",
      );

      // marco prepares a leg, but sofia starts the session: marco's leg is released and never routed.
      await b.coach.joinViaApi(ws(`token=${org.marco.token}`), call.id, "coach", "opus");
      const before = (await b.coach.wsMessages()).filter((m) => m.type === "media.closed").length;
      const s2 = (await org.sofia.post<{ session: CoachingSession }>(`/calls/${call.id}/coaching`, {})).body
        .session;
      await waitFor(
        async () => (await b.coach.wsMessages()).filter((m) => m.type === "media.closed").length > before,
        "marco's standby leg released",
      );
      await org.sofia.patch(`/coaching-sessions/${s2.id}`, { mode: "barge" });
      await expectHearing({ customer: b.customer, agent: b.agent }, NO_COACH, {
        label: "sofia barges without a leg: marco's microphone reaches nobody",
        never: [
          ["customer", "coach"],
          ["agent", "coach"],
        ],
      });
      // Only the session's coach or an allowed coach may attach: an agent may not.
      await b.coach.joinViaApi(ws(`token=${org.luis.token}`), call.id, "coach", "opus").then(
        () => assert.fail("an agent attached as coach"),
        (e: Error) => assert.match(e.message, /forbidden/),
      );
      await org.ana.post(`/calls/${call.id}/hangup`);
    });
  });
