// The call as an explicit state machine: every state change goes through transition(),
// which rejects an illegal one.
import type { CallState } from "../protocol/resources.ts";
import { fail } from "./errors.ts";

export type CallAction = "answer" | "hold" | "resume" | "end";

const TRANSITIONS: Record<CallState, Partial<Record<CallAction, CallState>>> = {
  ringing: { answer: "in_progress", end: "ended" },
  in_progress: { hold: "on_hold", end: "ended" },
  on_hold: { resume: "in_progress", end: "ended" },
  ended: {},
};

export function callTransition(from: CallState, action: CallAction): CallState {
  const to = TRANSITIONS[from][action];
  if (!to) fail("invalid_transition", `A call that is ${from.replace("_", " ")} cannot ${action}.`);
  return to;
}
