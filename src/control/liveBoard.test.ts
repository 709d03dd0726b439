// The live board's pure parts: agent states and their start, the day's start in a time zone,
// and the service level's definition.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type AgentFacts, agentState, agentStateOf } from "./agentState.ts";
import { periodStats, startOfDay } from "./liveStats.ts";

const t = (s: number) => new Date(Date.UTC(2025, 0, 1, 9, 0, s));
const idle: AgentFacts = {
  availability: "available",
  online: true,
  callState: null,
  ringingSince: null,
  coachingSince: null,
  lastCallEndedAt: null,
};

describe("agentState", () => {
  it("takes the most engaged state that holds", () => {
    assert.equal(
      agentStateOf({ ...idle, coachingSince: t(0), callState: "in_progress" }, t(9), 0),
      "coaching",
    );
    assert.equal(agentStateOf({ ...idle, callState: "on_hold", ringingSince: t(0) }, t(9), 0), "on_hold");
    assert.equal(agentStateOf({ ...idle, online: false, ringingSince: t(0) }, t(9), 0), "ringing");
    assert.equal(agentStateOf({ ...idle, online: false, lastCallEndedAt: t(8) }, t(9), 10_000), "offline");
    assert.equal(agentStateOf({ ...idle, lastCallEndedAt: t(8) }, t(9), 10_000), "wrap_up");
    assert.equal(agentStateOf({ ...idle, lastCallEndedAt: t(8) }, t(9), 0), "available");
    assert.equal(agentStateOf({ ...idle, availability: "unavailable" }, t(9), 0), "unavailable");
  });

  it("keeps a state's start, and starts a new one at the fact that began it or now", () => {
    const told = { state: "available" as const, since: t(1) };
    assert.equal(agentState(idle, told, t(9), 0), told);
    assert.deepEqual(agentState({ ...idle, ringingSince: t(5) }, told, t(9), 0), {
      state: "ringing",
      since: t(5),
    });
    assert.deepEqual(agentState({ ...idle, callState: "on_hold" }, told, t(9), 0), {
      state: "on_hold",
      since: t(9),
    });
    const wrap = { state: "wrap_up" as const, since: t(2) };
    assert.deepEqual(agentState({ ...idle, lastCallEndedAt: t(2) }, wrap, t(9), 5000), {
      state: "available",
      since: t(7),
    });
  });
});

describe("the board's definitions", () => {
  it("starts today at the zone's midnight", () => {
    const now = new Date("2025-07-01T21:30:00Z");
    assert.equal(startOfDay(now, "UTC").toISOString(), "2025-07-01T00:00:00.000Z");
    assert.equal(startOfDay(now, "Europe/Madrid").toISOString(), "2025-06-30T22:00:00.000Z");
    assert.equal(startOfDay(now, "America/New_York").toISOString(), "2025-07-01T04:00:00.000Z");
  });

  it("service level: answered within ÷ (answered + abandoned after the threshold)", () => {
    const s = periodStats({
      answered: 3,
      answeredWithin: 2,
      abandoned: 2,
      abandonedAfter: 1,
      answerMsSum: 3000,
      handled: 2,
      handleMsSum: 50_000,
    });
    assert.deepEqual(s, {
      answered: 3,
      abandoned: 2,
      serviceLevel: 0.5,
      averageSpeedOfAnswerMs: 1000,
      averageHandleTimeMs: 25_000,
    });
  });
});
