// One transition of a call under its row lock (SIP.js's stateTransition(), for calls):
// every change to a call, from an agent, an admin, a coach, the far end or a timer, runs here,
// so concurrent requests and trunk events apply one at a time and each change happens once.
// Inside the caller's transaction; it returns the domain events of the change (CallChange),
// which Publisher.tell() turns into the events everyone is sent, still under the lock.
import type { CoachingEndReason } from "../protocol/resources.ts";
import { applyCallAction, type CallAction, endsCoachingAs } from "./callMachine.ts";
import { fail } from "./errors.ts";
import type { CallRecord, SessionRecord } from "./model.ts";
import type { Store } from "./ports.ts";

/** What a change means to others, in the order they are told. */
export type CallChange =
  /** The call's resource changed (call.updated), or the call ended (call.ended). */
  | { kind: "call"; ended: boolean }
  /** Its agent's hand went up or down. */
  | { kind: "hand"; raised: boolean }
  /** Its coaching session ended (the reason in the session). */
  | { kind: "session_ended"; session: SessionRecord }
  /** A user's activity changed (became or stopped being the call's agent). */
  | { kind: "user"; userId: string };

export interface Transition {
  before: CallRecord;
  after: CallRecord;
  /** What changed on the call's row; empty when nothing did. */
  patch: Partial<CallRecord>;
  /** The call's active coaching session after the change. */
  session: SessionRecord | null;
  /** The session this change ended (the call ended or became uncoachable, the coach left). */
  endedSession: SessionRecord | null;
  /** The domain events of the change; none when nothing changed (then nobody is told). */
  changes: CallChange[];
}

/** Refuses the action (throws), looking at the locked call: who may act is decided on the row it changes. */
export type TransitionGuard = (call: CallRecord, tx: Store) => Promise<void> | void;

export interface TransitionRules {
  guard?: TransitionGuard;
  /** Skips the action (no change, no refusal) unless the locked call satisfies this: trunk events, timers. */
  when?: (call: CallRecord, tx: Store) => boolean | Promise<boolean>;
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
  if (rules.when && !(await rules.when(before, tx))) return null;
  await rules.guard?.(before, tx);
  const patch = applyCallAction(before, action, now);
  if (Object.keys(patch).length > 0) await tx.updateCall(callId, patch);
  // An agent who ends or hands on a call is idle from now; one who let an offer ring out goes
  // behind the others (longest-idle first, docs/ARCHITECTURE.md "Queues").
  if (
    (action.type === "end" || action.type === "transfer_accept" || action.type === "requeue") &&
    before.agentId
  )
    await tx.updateUser(before.agentId, { idleSince: now });
  if (action.type === "transfer_return" && action.outcome === "no_answer" && before.transfer)
    await tx.updateUser(before.transfer.toUserId, { idleSince: now });
  // An agent whose softphone disappeared takes no calls until they say so again (AgentGone.ts).
  if (action.type === "requeue" && before.agentId)
    await tx.updateUser(before.agentId, { availability: "unavailable" });
  if (action.type === "unanswered")
    for (const id of before.ringingUserIds) await tx.updateUser(id, { idleSince: now });
  if (action.type === "comment")
    await tx.insertComment({ id: action.id, callId, authorId: action.authorId, text: action.text });
  let session = (await tx.activeSessionOfCall(callId)) ?? null;
  let endedSession: SessionRecord | null = null;
  const reason = endsCoachingAs(action);
  const ends = action.type !== "coach_left" || !action.sessionId || action.sessionId === session?.id;
  if (session && reason && ends) {
    endedSession = await endSessionIn(tx, session.id, reason, now);
    session = null;
  }
  const after = { ...before, ...patch };
  return {
    before,
    after,
    patch,
    session,
    endedSession,
    changes: changesOf(action, before, patch, endedSession),
  };
}

function changesOf(
  action: CallAction,
  before: CallRecord,
  patch: Partial<CallRecord>,
  endedSession: SessionRecord | null,
): CallChange[] {
  const resourceChanged =
    Object.keys(patch).length > 0 ||
    endedSession !== null ||
    action.type === "comment" ||
    action.type === "coach_joined" ||
    action.type === "queue_moved";
  if (!resourceChanged) return [];
  const call: CallChange = { kind: "call", ended: action.type === "end" };
  switch (action.type) {
    case "hand":
      return [call, { kind: "hand", raised: action.raised }];
    case "coach_joined": // the hand goes down as the coach arrives, then the call shows the session
      return patch.handRaised === false ? [{ kind: "hand", raised: false }, call] : [call];
    case "coach_left": // the coach is told before the call without them
      return endedSession ? [{ kind: "session_ended", session: endedSession }, call] : [call];
  }
  const changes: CallChange[] = [call];
  if (endedSession) changes.push({ kind: "session_ended", session: endedSession });
  // The users whose agent state this changes (agentState.ts): the agents before and after an
  // answer, end or transfer, and on any change of state (hold, resume) the agent and the users
  // it rang; the users an offer rings or stops ringing.
  const stateChanged = patch.state !== undefined && patch.state !== before.state;
  const users = new Set<string | null>();
  if (
    stateChanged ||
    ["answer", "end", "transfer_accept", "transfer_external", "requeue"].includes(action.type)
  ) {
    users.add(before.agentId).add(patch.agentId ?? before.agentId);
  }
  if (stateChanged) for (const id of before.ringingUserIds) users.add(id);
  // The queue's offer rings users, an unanswered one stops ringing them (Queue.ts).
  if (action.type === "offer") for (const id of action.userIds) users.add(id);
  if (action.type === "unanswered") for (const id of before.ringingUserIds) users.add(id);
  // A transfer rings its target, and stops ringing them (Transfers.ts).
  if ("transfer" in patch) {
    if (before.transfer?.state === "ringing") users.add(before.transfer.toUserId);
    if (patch.transfer?.state === "ringing") users.add(patch.transfer.toUserId);
  }
  for (const id of users) if (id) changes.push({ kind: "user", userId: id });
  return changes;
}

/**
 * Ends the session if it is still active: the audit, and the coach's availability back to what
 * it was. Null when someone else ended it first.
 */
export async function endSessionIn(
  tx: Store,
  sessionId: string,
  reason: CoachingEndReason,
  now: Date,
): Promise<SessionRecord | null> {
  const current = await tx.getSession(sessionId);
  if (!current || current.endedAt) return null;
  await tx.updateSession(sessionId, { endedAt: now, endReason: reason });
  await tx.updateUser(current.coachId, { availability: current.coachPrevAvailability });
  await tx.insertSessionEvent({ sessionId, kind: "ended", detail: reason });
  return { ...current, endedAt: now, endReason: reason };
}
