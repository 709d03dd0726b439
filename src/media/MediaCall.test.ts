import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { computeRouting, type Party, SILENT } from "../control/routing.ts";
import { ManualClock } from "./clock.ts";
import { CODECS } from "./codecs.ts";
import { type Leg, newSourceKey, type SlotOutput } from "./Leg.ts";
import { MediaCall } from "./MediaCall.ts";
import { MediaNode } from "./MediaNode.ts";
import { InvalidStateError, MediaError } from "./MediaTypes.ts";
import type { PeerSettings } from "./peerConfig.ts";
import { SlotRewriter } from "./SlotRewriter.ts";

interface Sent {
  slot: number;
  seq: number;
  payload: string;
}

/** A fake leg of another transport: records what each of its slots is sent. */
class FakeLeg implements Leg {
  readonly id: string;
  readonly kind = "webrtc" as const;
  readonly sourceKey = newSourceKey();
  readonly outputs: readonly [SlotOutput, SlotOutput];
  readonly sent: Sent[] = [];
  closed = false;
  closeReason: string | undefined;
  constructor(
    readonly party: Party,
    failSlot = -1,
  ) {
    this.id = `${party}-${this.sourceKey}`;
    const output = (slot: number): SlotOutput => ({
      rewriter: new SlotRewriter(CODECS.pcmu),
      send: (h, payload) => {
        if (slot === failSlot) throw new Error("transport exploded");
        this.sent.push({ slot, seq: h.sequenceNumber, payload: payload.toString() });
      },
    });
    this.outputs = [output(0), output(1)];
  }
  close(reason: string): void {
    this.closed = true;
    this.closeReason ??= reason;
  }
  heard(): string[] {
    return this.sent.map((s) => `${s.slot}:${s.payload}`);
  }
}

const settings = {} as PeerSettings;

function setup() {
  const clock = new ManualClock();
  const call = new MediaCall("c1", "pcmu", { settings, onClose: () => {}, clock });
  const legs = {
    customer: new FakeLeg("customer"),
    agent: new FakeLeg("agent"),
    coach: new FakeLeg("coach"),
  };
  for (const leg of Object.values(legs)) call.attachLeg(leg);
  let seq = 0;
  const speak = (party: Party) => call.packetSink(legs[party], 1, ++seq, seq * 160, Buffer.from(party));
  const speakAll = () => {
    for (const party of ["customer", "agent", "coach"] as const) speak(party);
  };
  const clear = () => {
    for (const leg of Object.values(legs)) leg.sent.length = 0;
  };
  return { call, legs, speak, speakAll, clear, clock };
}

const live = (coachMode: "listen" | "whisper" | "barge" | null, callState = "in_progress" as const) =>
  computeRouting({ callState, agentMuted: false, coachMode });

describe("MediaCall forwarding", () => {
  it("starts silent: nobody hears anybody, the coach least of all", () => {
    const { call, legs, speakAll } = setup();
    speakAll();
    for (const leg of Object.values(legs)) assert.deepEqual(leg.sent, []);
    assert.equal(call.stats.packetsDropped, 3);
  });

  it("applies SPEC §3's table in each mode", () => {
    const { call, legs, speakAll, clear } = setup();
    const expected = {
      listen: { customer: ["0:agent"], agent: ["0:customer"], coach: ["0:customer", "1:agent"] },
      whisper: { customer: ["0:agent"], agent: ["0:customer", "1:coach"], coach: ["0:customer", "1:agent"] },
      barge: {
        customer: ["0:agent", "1:coach"],
        agent: ["0:customer", "1:coach"],
        coach: ["0:customer", "1:agent"],
      },
    } as const;
    for (const mode of ["listen", "whisper", "barge", "whisper", "listen"] as const) {
      call.setRouting(live(mode));
      clear();
      speakAll();
      for (const party of ["customer", "agent", "coach"] as const) {
        assert.deepEqual(legs[party].heard().sort(), [...expected[mode][party]].sort(), `${mode}: ${party}`);
      }
    }
  });

  it("starts the agent's coach slot with the coach's latest frame, while the coach is sending", () => {
    const { call, legs, speak, clear, clock } = setup();
    call.setRouting(live("listen"));
    speak("coach"); // the coach's microphone reaches nobody while listening
    assert.deepEqual(legs.agent.heard(), []);
    call.setRouting(live("whisper"));
    // At once, before the coach's next packet; to the agent only.
    assert.deepEqual(legs.agent.heard(), ["1:coach"]);
    assert.deepEqual(legs.customer.heard(), []);
    call.setRouting(live("listen"));
    speak("coach");
    clear();
    clock.advance(40);
    call.setRouting(live("whisper"));
    assert.deepEqual(legs.agent.heard(), ["1:coach"], "a frame two frame times (40 ms) old is replayed");
    call.setRouting(live("listen"));
    speak("coach");
    clear();
    clock.advance(41);
    call.setRouting(live("whisper"));
    assert.deepEqual(legs.agent.sent, [], "a frame older than two frame times (40 ms) is not replayed");
    // A new leg of the coach is a new source: the old leg's last frame is not its own.
    call.setRouting(live("listen"));
    speak("coach");
    call.attachLeg(new FakeLeg("coach"));
    clear();
    call.setRouting(live("whisper"));
    assert.deepEqual(legs.agent.sent, []);
  });

  it("sends nobody else a frame from before the routing let them hear it", () => {
    const { call, legs, speak, clear } = setup();
    const routing = (mode: "whisper" | "barge", callState: "in_progress" | "on_hold", agentMuted: boolean) =>
      computeRouting({ callState, agentMuted, coachMode: mode });
    // Whisper → barge: what the coach said in whisper never reaches the customer.
    call.setRouting(routing("whisper", "in_progress", false));
    speak("coach");
    clear();
    call.setRouting(routing("barge", "in_progress", false));
    assert.deepEqual(legs.customer.sent, []);
    // Mute → unmute, hold → resume: what the agent said meanwhile reaches nobody, nor the customer's words.
    call.setRouting(routing("whisper", "in_progress", true));
    speak("agent");
    clear();
    call.setRouting(routing("whisper", "in_progress", false));
    assert.deepEqual([legs.customer.sent, legs.coach.sent], [[], []]);
    call.setRouting(routing("whisper", "on_hold", false));
    speak("agent");
    speak("customer");
    clear();
    call.setRouting(routing("whisper", "in_progress", false));
    assert.deepEqual([legs.customer.sent, legs.agent.sent], [[], []]);
  });

  it("refuses a routing that puts a source in a foreign slot, and falls back to silence", () => {
    const { call, legs, speakAll } = setup();
    call.setRouting(live("listen"));
    const leaky = { ...SILENT, customer: ["coach", null] } as never;
    assert.throws(
      () => call.setRouting(leaky),
      (e: unknown) => e instanceof MediaError && e.reason === "invalid_argument",
    );
    assert.deepEqual(call.routing, SILENT);
    speakAll();
    for (const leg of Object.values(legs)) assert.deepEqual(leg.sent, []);
    assert.throws(() => call.setRouting(null as never), MediaError);
  });

  it("drops a packet for a listener whose transport throws, and still serves the others", () => {
    const { call, speak } = setup();
    const agent = new FakeLeg("agent", 0);
    call.attachLeg(agent);
    const coach = new FakeLeg("coach");
    call.attachLeg(coach);
    call.setRouting(live("listen"));
    speak("customer");
    assert.deepEqual(agent.sent, []);
    assert.deepEqual(coach.heard(), ["0:customer"]);
    assert.equal(call.stats.errors, 1);
  });

  it("sends comfort silence on the slot whose source was cut", () => {
    const { call, legs, speak, clear } = setup();
    call.setRouting(live("whisper"));
    speak("coach");
    call.setRouting(live("listen"));
    clear();
    speak("coach");
    for (let i = 0; i < 8; i++) call.tick(1000 + 20 * i);
    const silence = legs.agent.sent.filter((s) => s.slot === 1);
    assert.equal(silence.length, 5);
    assert.ok(silence.every((s) => s.payload === CODECS.pcmu.silence.toString()));
    assert.deepEqual(legs.customer.sent, []);
  });

  it("plays hold music to the customer only while on hold, and a synthetic customer to the agent", () => {
    const call = new MediaCall("c2", "pcmu", { settings, onClose: () => {} });
    const agent = new FakeLeg("agent");
    const customer = new FakeLeg("customer");
    call.attachLeg(agent);
    call.attachLeg(customer);
    call.setRouting(live(null, "on_hold" as never));
    call.tick(0);
    assert.equal(customer.sent.length, 1);
    assert.equal(customer.sent[0].slot, 0);
    call.attachSynthetic("customer", "voice");
    assert.equal(customer.closeReason, "replaced");
    call.setRouting(live(null));
    call.tick(20);
    assert.deepEqual(
      agent.sent.map((s) => s.slot),
      [0],
    );
    assert.throws(() => call.attachSynthetic("coach", "tone:-3" as never), MediaError);
  });
});

describe("MediaCall lifecycle", () => {
  it("emits legclose on replace and detach, and cascades close", async () => {
    const { call, legs } = setup();
    const events: string[] = [];
    call.on("legclose", (party, legId, reason) => events.push(`${party}:${legId}:${reason}`));
    call.on("legclose", () => {
      throw new Error("a misbehaving listener");
    });
    call.on("close", (reason) => events.push(`close:${reason}`));
    const agent2 = new FakeLeg("agent");
    call.attachLeg(agent2);
    assert.equal(call.detach("coach", "left"), true);
    assert.equal(call.detach("coach"), false);
    call.close("hangup");
    call.close("again");
    assert.deepEqual(events, [
      `agent:${legs.agent.id}:replaced`,
      `coach:${legs.coach.id}:left`,
      `customer:${legs.customer.id}:call_closed`,
      `agent:${agent2.id}:call_closed`,
      "close:hangup",
    ]);
    assert.ok(Object.values(legs).every((l) => l.closed) && agent2.closed);
    assert.throws(() => call.setRouting(SILENT), InvalidStateError);
    assert.throws(() => call.detach("agent"), InvalidStateError);
    await assert.rejects(call.attachWebRtc("agent", "v=0"), InvalidStateError);
  });

  it("MediaNode: openCall is idempotent, close cascades to calls, then refuses", async () => {
    const node = await MediaNode.create();
    const call = node.openCall("x", { codec: "pcmu" });
    assert.equal(node.openCall("x"), call);
    assert.throws(() => node.openCall("x", { codec: "opus" }), MediaError);
    const closed: string[] = [];
    node.on("callclose", (id, reason) => closed.push(`${id}:${reason}`));
    call.close("done");
    assert.equal(node.getCall("x"), undefined);
    const other = node.openCall("y");
    node.close();
    node.close();
    assert.equal(other.closed, true);
    assert.deepEqual(closed, ["x:done", "y:node_closed"]);
    assert.throws(() => node.openCall("z"), InvalidStateError);
  });

  it("refuses a malformed offer with a typed error", async () => {
    const node = await MediaNode.create();
    try {
      const call = node.openCall("bad", { codec: "opus" });
      for (const sdp of ["", "hello", "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n", 42 as never]) {
        await assert.rejects(
          call.attachWebRtc("agent", sdp),
          (e: unknown) => e instanceof MediaError && e.code === "signalling_error",
        );
      }
      await assert.rejects(call.attachWebRtc("boss" as never, "v=0"), MediaError);
      assert.equal(call.leg("agent"), undefined);
    } finally {
      node.close();
    }
  });
});
