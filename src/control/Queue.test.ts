import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { endReasonOf } from "./callMachine.ts";
import { pairOffers } from "./Queue.ts";
import { routingOf } from "./routing.ts";

describe("pairOffers: who rings for which waiting call", () => {
  it("a lone waiting call rings every free agent, longest-idle first", () => {
    assert.deepEqual(pairOffers(["c1"], ["a", "b", "c"]), [["c1", ["a", "b", "c"]]]);
  });
  it("waiting calls in queue order take the longest-idle agents, one each", () => {
    assert.deepEqual(pairOffers(["c1", "c2", "c3"], ["a", "b"]), [
      ["c1", ["a"]],
      ["c2", ["b"]],
    ]);
  });
  it("agents left over ring for the head of the queue", () => {
    assert.deepEqual(pairOffers(["c1", "c2"], ["a", "b", "c"]), [
      ["c1", ["a", "c"]],
      ["c2", ["b"]],
    ]);
  });
  it("nobody free or nobody waiting: no offer", () => {
    assert.deepEqual(pairOffers(["c1"], []), []);
    assert.deepEqual(pairOffers([], ["a"]), []);
  });
});

describe("a waiting call's audio and its end", () => {
  const call = { agentMuted: false, conference: false };
  it("the customer of an unanswered inbound call hears hold music, nobody else anything", () => {
    const r = routingOf({ ...call, state: "ringing", direction: "inbound" }, null);
    assert.deepEqual(r, { customer: ["hold_music", null], agent: [null, null], coach: [null, null] });
  });
  it("an outbound call's far end hears nothing while it rings", () => {
    const r = routingOf({ ...call, state: "ringing", direction: "outbound" }, null);
    assert.deepEqual(r, { customer: [null, null], agent: [null, null], coach: [null, null] });
  });
  it("a customer who hangs up before an answer abandoned the call; after an answer, hung up", () => {
    assert.equal(endReasonOf({ state: "ringing", direction: "inbound" }, "hangup_customer"), "abandoned");
    assert.equal(
      endReasonOf({ state: "in_progress", direction: "inbound" }, "hangup_customer"),
      "hangup_customer",
    );
    assert.equal(
      endReasonOf({ state: "ringing", direction: "outbound" }, "hangup_customer"),
      "hangup_customer",
    );
    assert.equal(endReasonOf({ state: "ringing", direction: "inbound" }, "queue_timeout"), "queue_timeout");
  });
});
