import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type AttachFacts, attachRefusal } from "./attach.ts";

const live = { id: "c1", state: "in_progress" as const, agentId: "ana", externalTransfer: false };
const facts = (over: Partial<AttachFacts>): AttachFacts => ({
  role: "agent",
  userId: "ana",
  widgetCallId: null,
  call: live,
  sessionCoachId: null,
  mayStartCoaching: false,
  ...over,
});

describe("attachRefusal: who may attach which leg to which call", () => {
  const cases: [string, Partial<AttachFacts>, string | null][] = [
    ["the call's agent", {}, null],
    ["another user as agent", { userId: "luis" }, "forbidden"],
    ["a widget as agent", { userId: null, widgetCallId: "c1" }, "forbidden"],
    ["the agent after an external transfer", { call: { ...live, externalTransfer: true } }, "forbidden"],
    ["the agent on hold", { call: { ...live, state: "on_hold" } }, null],
    ["the agent of a ringing outbound call", { call: { ...live, state: "ringing" } }, null],
    ["an ended call", { call: { ...live, state: "ended" } }, "signalling_error"],
    ["no such call", { call: undefined }, "signalling_error"],
    ["the widget customer of the call", { role: "customer", userId: null, widgetCallId: "c1" }, null],
    ["a widget of another call", { role: "customer", userId: null, widgetCallId: "c2" }, "forbidden"],
    ["a user as customer", { role: "customer", userId: "ana" }, "forbidden"],
    ["the session's coach", { role: "coach", userId: "sofia", sessionCoachId: "sofia" }, null],
    [
      "another coach while a session runs",
      { role: "coach", userId: "admin", sessionCoachId: "sofia", mayStartCoaching: true },
      "forbidden",
    ],
    [
      "standby: allowed to coach, no session",
      { role: "coach", userId: "sofia", mayStartCoaching: true },
      null,
    ],
    ["standby: not allowed to coach", { role: "coach", userId: "luis" }, "forbidden"],
    [
      "a widget as coach",
      { role: "coach", userId: null, widgetCallId: "c1", mayStartCoaching: true },
      "forbidden",
    ],
    ["an unknown role", { role: "third" }, "signalling_error"],
  ];
  for (const [name, over, code] of cases) {
    it(`${name} → ${code ?? "allowed"}`, () => {
      assert.equal(attachRefusal(facts(over))?.code ?? null, code);
    });
  }
});
