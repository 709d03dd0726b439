import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { callTransition } from "./callMachine.ts";
import { changeMode } from "./coachingMachine.ts";
import { EarshotError } from "./errors.ts";

describe("call state machine", () => {
  it("follows ringing → in_progress ⇄ on_hold → ended", () => {
    assert.equal(callTransition("ringing", "answer"), "in_progress");
    assert.equal(callTransition("in_progress", "hold"), "on_hold");
    assert.equal(callTransition("on_hold", "resume"), "in_progress");
    assert.equal(callTransition("in_progress", "end"), "ended");
    assert.equal(callTransition("on_hold", "end"), "ended");
    assert.equal(callTransition("ringing", "end"), "ended");
  });
  for (const [from, action] of [
    ["ringing", "hold"],
    ["ringing", "resume"],
    ["in_progress", "answer"],
    ["in_progress", "resume"],
    ["on_hold", "hold"],
    ["on_hold", "answer"],
    ["ended", "answer"],
    ["ended", "end"],
  ] as const) {
    it(`rejects ${action} from ${from}`, () => {
      assert.throws(
        () => callTransition(from, action),
        (e) => e instanceof EarshotError && e.code === "invalid_transition",
      );
    });
  }
});

describe("coaching session state machine", () => {
  const active = {
    mode: "listen" as const,
    modesUsed: ["listen" as const],
    endedAt: null,
    agentAwareAt: null,
  };
  it("records modes used and the first time the coach becomes audible", () => {
    const w = changeMode(active, "whisper", false);
    assert.deepEqual(w, { mode: "whisper", modesUsed: ["listen", "whisper"], firstAudible: true });
    const again = changeMode({ ...active, agentAwareAt: "t" }, "whisper", false);
    assert.equal(again.firstAudible, false);
  });
  it("refuses barge without Live Monitoring+ and any change after the end", () => {
    assert.throws(
      () => changeMode(active, "barge", false),
      (e) => e instanceof EarshotError && e.code === "barge_not_allowed",
    );
    assert.throws(
      () => changeMode({ ...active, endedAt: "t" }, "listen", true),
      (e) => e instanceof EarshotError && e.code === "session_ended",
    );
  });
});
