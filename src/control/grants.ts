// What a viewer may do, decided once: each function here is both the API's refusal (the
// services call it and fail with its code) and the grant the resources carry (Call.grants,
// User.grants), so the button the web app shows and the answer the API gives cannot drift.
import { errorMessage } from "../protocol/errors.ts";
import type { CallGrants, Grant, SessionEndingGrant, UserGrants } from "../protocol/resources.ts";
import { type CallAction, type Refusal, stateRefusal } from "./callMachine.ts";
import { fail } from "./errors.ts";
import type { CallRecord, TransferRecord } from "./model.ts";
import {
  type CallFacts,
  type CoachFacts,
  canBarge,
  canMonitor,
  canOpenConversation,
  canStartCoaching,
} from "./policy.ts";

/** The viewer as the rules read them: who they are and the live call they are on, if any. */
export type Viewer = Pick<CoachFacts, "id" | "role" | "monitoringAccess" | "liveCallId">;

/** A user as the call actions read them: no call action depends on the viewer's own live call. */
export function asViewer(user: Omit<Viewer, "liveCallId">): Viewer {
  return { id: user.id, role: user.role, monitoringAccess: user.monitoringAccess, liveCallId: null };
}

/**
 * A call as the grants read it: its record (the services' checks, CallViews), or the Call
 * resource an event carries (delivery.ts computes each recipient's grants from it).
 */
export type GrantedCall = Pick<
  CallRecord,
  | "id"
  | "state"
  | "direction"
  | "agentId"
  | "ringingUserIds"
  | "emergency"
  | "conference"
  | "externalTransfer"
> & { transfer: Pick<TransferRecord, "state" | "toUserId"> | null };

type Who = (viewer: Viewer, call: GrantedCall) => Refusal | null;

const refuse = (code: Refusal["code"], message: string = errorMessage(code)): Refusal => ({ code, message });

/** The agent's own actions on their call. */
const agentOnly: Who = (viewer, call) =>
  call.agentId === viewer.id ? null : refuse("forbidden", "Only the call's agent can do this.");

/** The agent hangs up; an admin may end a connected call (not cancel a ringing one). */
const hangUpBy: Who = (viewer, call) => {
  if (call.agentId === viewer.id) return null;
  if (viewer.role !== "admin") return refuse("forbidden", "Only the call's agent or an admin can hang up.");
  return call.state === "ringing" ? refuse("forbidden", "Only the caller can cancel a ringing call.") : null;
};

/** Tags and comments: the call's agent, or anyone who may monitor. */
const annotateBy: Who = (viewer, call) =>
  call.agentId === viewer.id || canMonitor(viewer)
    ? null
    : refuse("forbidden", "Only the call's agent or a supervisor can do this.");

/** An inbound call ringing for the viewer, who is on no other call. */
const answerBy: Who = (viewer, call) => {
  if (call.state !== "ringing" || call.direction !== "inbound") return refuse("already_answered");
  if (!call.ringingUserIds.includes(viewer.id)) return refuse("not_ringing_for_you");
  return viewer.liveCallId !== null ? refuse("conflict", "You are already on a call.") : null;
};

/** The user a ringing transfer is offered to (accept, decline). */
const transferTarget: Who = (viewer, call) =>
  call.transfer?.state === "ringing" && call.transfer.toUserId === viewer.id
    ? null
    : refuse("no_transfer_offered");

/** Each call action: who may take it, and the state-machine action it is (null: no state change). */
const CALL_ACTIONS = {
  answer: [answerBy, "answer"],
  hold: [agentOnly, "hold"],
  resume: [agentOnly, "resume"],
  mute: [agentOnly, "mute"],
  unmute: [agentOnly, "mute"],
  transfer: [agentOnly, "transfer"],
  addParty: [agentOnly, "add_party"],
  raiseHand: [agentOnly, "hand"],
  acceptTransfer: [transferTarget, "transfer_accept"],
  declineTransfer: [transferTarget, "transfer_return"],
  cancelTransfer: [agentOnly, "transfer_return"],
  hangUp: [hangUpBy, "end"],
  tag: [annotateBy, "tag"],
  comment: [annotateBy, "comment"],
} as const satisfies Record<string, readonly [Who, CallAction["type"] | null]>;

export type CallActionKind = keyof typeof CALL_ACTIONS;
export const CALL_ACTION_KINDS = Object.keys(CALL_ACTIONS) as CallActionKind[];

/**
 * Why `viewer` may not take `kind` on `call` now (null: they may): who may act first, then what
 * the call's state allows (the state machine's own check). The guard of every call action.
 */
export function callActionRefusal(viewer: Viewer, call: GrantedCall, kind: CallActionKind): Refusal | null {
  const [who, type] = CALL_ACTIONS[kind];
  return who(viewer, call) ?? (type ? stateRefusal(call, type) : null);
}

/** Why `coach` may not start coaching (the supervision policy, SPEC §3). */
export function coachRefusal(coach: CoachFacts, call: CallFacts): Refusal | null {
  const answer = canStartCoaching(coach, call);
  return answer.allowed ? null : refuse(answer.code);
}

/**
 * A coaching note on the call's sessions: admins and supervisors with Live Monitoring (a
 * supervisor on calls of their line distribution's numbers, never their own), once it ended.
 */
export function coachingNoteRefusal(viewer: Viewer, call: CallFacts): Refusal | null {
  if (viewer.role !== "admin" && viewer.role !== "supervisor")
    return refuse("role_not_allowed", "Only admins and supervisors can leave coaching notes.");
  if (viewer.monitoringAccess === "none")
    return refuse("no_monitoring_access", "Coaching notes need Live Monitoring or Live Monitoring+ access.");
  if (viewer.role === "supervisor" && !call.numberUserIds.includes(viewer.id))
    return refuse(
      "not_in_line_distribution",
      "Supervisors can only leave coaching notes on calls to numbers of their line distribution.",
    );
  if (call.agentId === viewer.id)
    return refuse("forbidden", "You cannot leave a coaching note on your own call.");
  return call.state === "ended" ? null : refuse("call_not_ended");
}

/** Barge needs Live Monitoring+. */
export function bargeRefusal(coach: Pick<CoachFacts, "monitoringAccess">): Refusal | null {
  return canBarge(coach) ? null : refuse("barge_not_allowed");
}

/** "Open the target conversation" is for coaches in the number's line distribution. */
export function openConversationRefusal(coach: CoachFacts, call: CallFacts): Refusal | null {
  return canOpenConversation(coach, call)
    ? null
    : refuse(
        "not_in_line_distribution",
        "Only coaches in the number's line distribution can open the conversation.",
      );
}

export function monitorRefusal(user: Pick<Viewer, "role" | "monitoringAccess">): Refusal | null {
  if (canMonitor(user)) return null;
  return user.role === "agent"
    ? refuse("forbidden", "Live Monitoring is for admins and supervisors.")
    : refuse("no_monitoring_access", "Live Monitoring needs Live Monitoring or Live Monitoring+ access.");
}

export function administerRefusal(user: Pick<Viewer, "role">): Refusal | null {
  return user.role === "admin" ? null : refuse("forbidden", "Only admins can do this.");
}

/** Refuses the request with `refusal`'s code and sentence, if there is one. */
export function refuseIf(refusal: Refusal | null): void {
  if (refusal) fail(refusal.code, refusal.message);
}

export function requireAdmin(viewer: Pick<Viewer, "role">): void {
  refuseIf(administerRefusal(viewer));
}

export function grant(refusal: Refusal | null): Grant {
  return refusal
    ? { allowed: false, code: refusal.code, message: refusal.message }
    : { allowed: true, code: null, message: null };
}

/**
 * Everything `viewer` may do on `call` (`facts`: the same call as the policy reads it).
 * `knownSession`: the call has an active coaching session the viewer may know of (an agent is
 * not told of a silent listener they are not aware of yet): then a transfer or a third party,
 * which end it (callMachine's endsCoachingAs), say so.
 */
export function callGrants(
  viewer: CoachFacts,
  call: GrantedCall,
  facts: CallFacts,
  knownSession = false,
): CallGrants {
  const actions = Object.fromEntries(
    CALL_ACTION_KINDS.map((kind) => [kind, grant(callActionRefusal(viewer, call, kind))]),
  ) as Record<CallActionKind, Grant>;
  const ending = (g: Grant): SessionEndingGrant => ({ ...g, endsCoaching: knownSession && g.allowed });
  return {
    coach: grant(coachRefusal(viewer, facts)),
    barge: grant(bargeRefusal(viewer)),
    openConversation: grant(openConversationRefusal(viewer, facts)),
    coachingNote: grant(coachingNoteRefusal(viewer, facts)),
    ...actions,
    transfer: ending(actions.transfer),
    addParty: ending(actions.addParty),
  };
}

export function userGrants(user: Pick<Viewer, "role" | "monitoringAccess">): UserGrants {
  return { monitor: grant(monitorRefusal(user)), administer: grant(administerRefusal(user)) };
}
