// One transition of a call under its row lock (SIP.js's stateTransition(), for calls):
// every action on a call, from an agent, an admin, the far end or a timer, runs here, so
// concurrent requests and trunk events apply one at a time and each change happens once.
// Inside the caller's transaction; what follows the commit is CallTransitions.settle().
import { applyCallAction, type CallAction, endsCoachingAs } from "./callMachine.ts";
import { fail } from "./errors.ts";
import type { CallRecord, SessionRecord } from "./model.ts";
import type { Store } from "./ports.ts";
import { endSessionIn } from "./sessionChanges.ts";

export interface Transition {
  before: CallRecord;
  after: CallRecord;
  /** What changed; empty when nothing did (then nobody is told). */
  patch: Partial<CallRecord>;
  /** The call's active coaching session after the change. */
  session: SessionRecord | null;
  /** The session this change ended (the call ended or became uncoachable). */
  endedSession: SessionRecord | null;
}

/** Refuses the action (throws), looking at the locked call: who may act is decided on the row it changes. */
export type TransitionGuard = (call: CallRecord, tx: Store) => Promise<void> | void;

export interface TransitionRules {
  guard?: TransitionGuard;
  /** Skips the action (no change, no refusal) unless the locked call satisfies this: trunk events, timers. */
  when?: (call: CallRecord) => boolean;
}

/** Locks the call, checks, applies `action` through the state machine and writes it. Null: skipped. */
export async function transition(
  tx: Store,
  callId: string,
  action: CallAction,
  now: Date,
  rules: TransitionRules = {},
): Promise<Transition | null> {
  const before = await tx.lockCall(callId);
  if (!before) fail("not_found", "No such call.");
  if (rules.when && !rules.when(before)) return null;
  await rules.guard?.(before, tx);
  const patch = applyCallAction(before, action, now);
  if (Object.keys(patch).length > 0) await tx.updateCall(callId, patch);
  let session = (await tx.activeSessionOfCall(callId)) ?? null;
  let endedSession: SessionRecord | null = null;
  const reason = endsCoachingAs(action);
  if (session && reason) {
    endedSession = await endSessionIn(tx, session.id, reason, now);
    session = null;
  }
  return { before, after: { ...before, ...patch }, patch, session, endedSession };
}
