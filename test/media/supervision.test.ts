// The no-leak promise, second line (SPEC §3): three real Chromium browsers with
// distinct fake-microphone tones (customer 440 Hz, agent 1000 Hz, coach 1700 Hz)
// connect to a MediaNode; an FFT of each received slot must show exactly the
// routing table in every mode, with Opus and with PCMU.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { computeRouting, type RoutingInput } from "../../src/control/routing.ts";
import type { MediaCall } from "../../src/media/MediaCall.ts";
import { MediaNode } from "../../src/media/MediaNode.ts";
import { MediaError } from "../../src/media/MediaTypes.ts";
import type { BrowserParty } from "../support/browser.ts";
import { type SignalHarness, startSignalHarness } from "../support/signal-harness.ts";
import {
  BARGE,
  type Expectation,
  expectHearing,
  LISTEN,
  launchParties,
  type Never,
  NO_COACH,
  NOBODY,
  PARTIES,
  WHISPER,
} from "./routing.browser.ts";

const route = (coachMode: RoutingInput["coachMode"], more: Partial<RoutingInput> = {}) =>
  computeRouting({ callState: "in_progress", agentMuted: false, coachMode, ...more });

describe("live supervision audio in real browsers", { timeout: 120_000 }, () => {
  let dir: string;
  let node: MediaNode;
  let harness: SignalHarness;
  const browsers: Partial<Record<(typeof PARTIES)[number], BrowserParty>> = {};
  const timings: Record<string, number> = {};

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "earshot-media-"));
    node = await MediaNode.create({ connectTimeoutMs: 3000 });
    harness = await startSignalHarness(node);
    Object.assign(browsers, await launchParties(dir, harness));
  });

  after(async () => {
    await Promise.all(Object.values(browsers).map((b) => b?.close()));
    await harness?.close();
    node?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    console.log("media: settle times (ms)", JSON.stringify(timings));
  });

  for (const codec of ["opus", "pcmu"] as const) {
    it(`enforces SPEC §3 through listen, whisper, barge, leave and rejoin (${codec})`, async () => {
      const call = node.openCall(`call-${codec}`, { codec });
      const closed: string[] = [];
      call.on("legclose", (party, _id, reason) => closed.push(`${party}:${reason}`));
      const b = browsers as Record<(typeof PARTIES)[number], BrowserParty>;
      await Promise.all(PARTIES.map((p) => b[p].join(call.id, p, codec)));

      const phase = async (name: string, want: Expectation, never: Never) => {
        timings[`${codec}:${name}`] = await expectHearing(browsers, want, {
          never,
          label: `${codec} ${name}`,
        });
      };
      // Before the server applies any routing, the coach's audio reaches nobody (fail closed).
      await phase("silent", NOBODY, [
        ["customer", "coach"],
        ["agent", "coach"],
      ]);
      call.setRouting(route("listen"));
      await phase("listen", LISTEN, [
        ["customer", "coach"],
        ["agent", "coach"],
      ]);
      call.setRouting(route("whisper"));
      await phase("whisper", WHISPER, [["customer", "coach"]]);
      call.setRouting(route("barge"));
      await phase("barge", BARGE, []);
      call.setRouting(route("whisper"));
      await phase("whisper again", WHISPER, []);
      call.setRouting(route("listen"));
      await phase("listen again", LISTEN, [["customer", "coach"]]);

      // The coach leaves: the control plane detaches the leg and drops the session.
      call.detach("coach", "left");
      call.setRouting(route(null));
      await b.coach.leave();
      await phase("coach left", { ...NO_COACH }, [["customer", "coach"]]);

      // The coach rejoins with a new leg: listen first (heard by nobody), then whisper.
      await b.coach.join(call.id, "coach", codec);
      await phase("rejoined, silent", NO_COACH, [
        ["customer", "coach"],
        ["agent", "coach"],
      ]);
      call.setRouting(route("listen"));
      await phase("rejoined, listen", LISTEN, [
        ["customer", "coach"],
        ["agent", "coach"],
      ]);
      call.setRouting(route("whisper"));
      await phase("rejoined, whisper", WHISPER, [["customer", "coach"]]);

      // Agent muted (server-side): nobody hears the agent; the whisper goes on.
      call.setRouting(route("whisper", { agentMuted: true }));
      await phase("agent muted", { ...WHISPER, customer: [null, null], coach: ["customer", null] }, [
        ["customer", "coach"],
      ]);

      // On hold: the customer hears hold music, not the agent; the agent does not hear the customer.
      call.setRouting(route("whisper", { callState: "on_hold" }));
      const hold = "other";
      await phase("hold", { customer: [hold, null], agent: [null, "coach"], coach: ["customer", "agent"] }, [
        ["customer", "coach"],
      ]);
      call.setRouting(route("listen"));
      await phase("resumed", LISTEN, [["customer", "coach"]]);

      assert.deepEqual(closed, ["coach:left", "coach:replaced"].slice(0, closed.length));
      assert.equal(call.stats.errors, 0);
      call.close("hangup");
      assert.ok(closed.includes("customer:call_closed"));
    });
  }

  it("plays a synthetic party (tone, then the demo caller's voice) into a PCMU call, and a tone into an Opus call", async () => {
    const call = node.openCall("demo", { codec: "pcmu" });
    const b = browsers as Record<(typeof PARTIES)[number], BrowserParty>;
    await b.customer.leave();
    const listeners = { agent: b.agent, coach: b.coach };
    call.attachSynthetic("customer", "tone:440");
    await Promise.all([b.agent.join(call.id, "agent", "pcmu"), b.coach.join(call.id, "coach", "pcmu")]);
    call.setRouting(route("whisper"));
    await expectHearing(listeners, WHISPER, { label: "synthetic tone" });
    call.attachSynthetic("customer", "voice");
    const deadline = Date.now() + 4000;
    let heardVoice = false;
    while (!heardVoice && Date.now() < deadline) {
      const slots = await b.agent.levels([440]);
      heardVoice = (slots?.[0].tones.length ?? 0) > 0 && (slots?.[0].levels[0] ?? -200) < -45;
    }
    assert.ok(heardVoice, "the agent hears the demo caller's voice");
    call.close();

    // In an Opus call (a widget call) the synthetic party is encoded to Opus: heard the same.
    const opus = node.openCall("opus-demo", { codec: "opus" });
    opus.attachSynthetic("customer", "tone:440");
    await Promise.all([b.agent.join(opus.id, "agent", "opus"), b.coach.join(opus.id, "coach", "opus")]);
    opus.setRouting(route("whisper"));
    await expectHearing(listeners, WHISPER, { label: "synthetic tone, Opus" });
    opus.close();
  });

  it("refuses malformed offers with a typed error while another call keeps flowing", async () => {
    const good = node.openCall("flowing", { codec: "pcmu" });
    const b = browsers as Record<(typeof PARTIES)[number], BrowserParty>;
    await Promise.all(PARTIES.map((p) => b[p].join(good.id, p, "pcmu")));
    node.getCall("opus-demo")?.close();
    good.setRouting(route("whisper"));
    await expectHearing(browsers, WHISPER, { label: "before bad input" });

    const bad = node.openCall("bad", { codec: "opus" });
    const realOffer = await b.agent.page.evaluate(async () => {
      const pc = new RTCPeerConnection();
      for (const direction of ["sendonly", "recvonly", "recvonly"] as const)
        pc.addTransceiver("audio", { direction });
      const offer = await pc.createOffer();
      pc.close();
      return offer.sdp ?? "";
    });
    const junk = [
      "",
      "hello",
      "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n",
      realOffer.replace(/^a=fingerprint:.*$/gm, ""),
      realOffer.replace(/^a=ice-ufrag:.*$/gm, ""),
      realOffer.replace(/a=rtpmap:\d+ opus\/48000\/2/g, "a=rtpmap:96 foo/1"),
      realOffer.replace(/^m=audio .*$/m, "m=audio x y z"),
      realOffer.replace(/^a=fingerprint:sha-256 .*$/m, "a=fingerprint:sha-256 zz"),
      `${realOffer}m=video 9 UDP/TLS/RTP/SAVPF 96\r\n`,
      "v=0\r\n".padEnd(70_000, "x"),
    ];
    for (const [i, sdp] of junk.entries()) {
      try {
        await bad.attachWebRtc("agent", sdp);
        assert.fail(`accepted junk #${i}`);
      } catch (error) {
        if (!(error instanceof MediaError)) {
          // An offer werift accepts but cannot connect must at least fail as a leg, not crash.
          assert.fail(`untyped error ${String(error)}`);
        }
        assert.equal(error.code === "signalling_error" || error.code === "bad_request", true, String(error));
      }
    }
    // A well-formed offer whose browser is gone: answered, then the leg fails and says so.
    const failed = new Promise<string>((resolve) => bad.on("legclose", (_p, _id, reason) => resolve(reason)));
    await bad.attachWebRtc("agent", realOffer);
    assert.equal(await failed, "ice_failed");

    await expectHearing(browsers, WHISPER, { label: "after bad input", never: [["customer", "coach"]] });
    good.close();
    bad.close();
  });
});

export type { MediaCall };
