import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { CallState, CoachingMode } from "../protocol/resources.ts";
import { computeRouting, hearingOf, listenersOf, type Party, routingOf } from "./routing.ts";

const modes: (CoachingMode | null)[] = [null, "listen", "whisper", "barge"];
const states: CallState[] = ["ringing", "in_progress", "on_hold", "ended"];

/** SPEC §3's table, for a live call not on hold and an unmuted agent: listener → sources heard. */
const SPEC_TABLE: Record<CoachingMode, Record<Party, Party[]>> = {
  listen: { customer: ["agent"], agent: ["customer"], coach: ["customer", "agent"] },
  whisper: { customer: ["agent"], agent: ["customer", "coach"], coach: ["customer", "agent"] },
  barge: { customer: ["agent", "coach"], agent: ["customer", "coach"], coach: ["customer", "agent"] },
};

function heard(r: ReturnType<typeof computeRouting>, who: Party): string[] {
  return r[who].filter((s) => s !== null).sort() as string[];
}

describe("computeRouting", () => {
  for (const mode of ["listen", "whisper", "barge"] as const) {
    it(`matches SPEC §3 in ${mode}`, () => {
      const r = computeRouting({ callState: "in_progress", agentMuted: false, coachMode: mode });
      for (const who of ["customer", "agent", "coach"] as const) {
        assert.deepEqual(heard(r, who), [...SPEC_TABLE[mode][who]].sort(), `${who} in ${mode}`);
      }
    });
  }

  for (const state of states) {
    for (const mode of modes) {
      for (const agentMuted of [false, true]) {
        it(`state=${state} mode=${mode} muted=${agentMuted} never leaks`, () => {
          const r = computeRouting({ callState: state, agentMuted, coachMode: mode });
          const live = state === "in_progress" || state === "on_hold";
          // The customer hears the coach only in barge, and never on hold.
          assert.equal(
            listenersOf(r, "coach").includes("customer"),
            live && mode === "barge" && state !== "on_hold",
          );
          // The agent hears the coach only in whisper and barge.
          assert.equal(
            listenersOf(r, "coach").includes("agent"),
            live && (mode === "whisper" || mode === "barge"),
          );
          // Nobody hears themselves.
          for (const p of ["customer", "agent", "coach"] as const) assert.ok(!r[p].includes(p));
          // A muted agent reaches nobody.
          if (agentMuted) assert.deepEqual(listenersOf(r, "agent"), []);
          // On hold, agent and customer do not hear each other, and the customer hears hold music.
          if (state === "on_hold") {
            assert.ok(!r.customer.includes("agent"));
            assert.ok(!r.agent.includes("customer"));
            assert.equal(r.customer[0], "hold_music");
          }
          // Without an applied session the coach hears nothing and is heard by nobody.
          if (mode === null) {
            assert.deepEqual(r.coach, [null, null]);
            assert.deepEqual(listenersOf(r, "coach"), []);
          }
          // Not live: silence everywhere.
          if (!live)
            for (const p of ["customer", "agent", "coach"] as const) assert.deepEqual(r[p], [null, null]);
        });
      }
    }
  }

  // A conference: the third party holds the coach's position (a conference is never coached).
  for (const state of states) {
    for (const agentMuted of [false, true]) {
      it(`conference: state=${state} muted=${agentMuted}`, () => {
        const r = computeRouting({ callState: state, agentMuted, coachMode: null, conference: true });
        const talking = state === "in_progress";
        const agent = talking && !agentMuted;
        // Talking: everyone hears the two others (the muted agent reaches nobody).
        assert.deepEqual(
          heard(r, "customer"),
          talking ? (agent ? ["agent", "coach"] : ["coach"]) : state === "on_hold" ? ["hold_music"] : [],
        );
        assert.deepEqual(heard(r, "agent"), talking ? ["coach", "customer"] : []);
        assert.deepEqual(heard(r, "coach"), talking ? (agent ? ["agent", "customer"] : ["customer"]) : []);
        if (agentMuted) assert.deepEqual(listenersOf(r, "agent"), []);
      });
    }
  }

  it("keeps each source in its fixed slot", () => {
    const r = computeRouting({ callState: "in_progress", agentMuted: false, coachMode: "barge" });
    assert.deepEqual(r.customer, ["agent", "coach"]);
    assert.deepEqual(r.agent, ["customer", "coach"]);
    assert.deepEqual(r.coach, ["customer", "agent"]);
  });
});

describe("hearingOf: a session's who-hears-whom, from the routing", () => {
  const hearing = (state: CallState, coachMode: CoachingMode, agentMuted = false, conference = false) =>
    hearingOf(routingOf({ state, direction: "inbound", agentMuted, conference }, coachMode));
  const cases: [string, ReturnType<typeof hearing>, [boolean, boolean, boolean, boolean]][] = [
    // [agentHearsCoach, customerHearsCoach, coachHearsCustomer, coachHearsAgent]
    ["listen", hearing("in_progress", "listen"), [false, false, true, true]],
    ["whisper", hearing("in_progress", "whisper"), [true, false, true, true]],
    ["barge", hearing("in_progress", "barge"), [true, true, true, true]],
    [
      "barge on hold: the customer does not hear the coach",
      hearing("on_hold", "barge"),
      [true, false, true, true],
    ],
    ["whisper on hold", hearing("on_hold", "whisper"), [true, false, true, true]],
    [
      "barge, agent muted: the coach does not hear the agent",
      hearing("in_progress", "barge", true),
      [true, true, true, false],
    ],
    ["listen, agent muted", hearing("in_progress", "listen", true), [false, false, true, false]],
    ["an ended call", hearing("ended", "barge"), [false, false, false, false]],
  ];
  for (const [name, h, expected] of cases) {
    it(name, () => {
      assert.deepEqual(
        [h.agentHearsCoach, h.customerHearsCoach, h.coachHearsCustomer, h.coachHearsAgent],
        expected,
      );
    });
  }
});
