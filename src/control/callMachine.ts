// The call as an explicit state machine: every change to a call goes through
// callTransition() (its state) and applyCallAction() (the whole record), which reject an
// illegal one. Pure: the lock, the write and the events are transition.ts's.
import { type ErrorCode, errorMessage } from "../protocol/errors.ts";
import type { CallEndReason, CallState, CoachingEndReason } from "../protocol/resources.ts";
import { fail } from "./errors.ts";
import type { CallRecord, TransferRecord } from "./model.ts";

export type StateAction = "answer" | "hold" | "resume" | "requeue" | "end";

const TRANSITIONS: Record<CallState, Partial<Record<StateAction, CallState>>> = {
  ringing: { answer: "in_progress", end: "ended" },
  in_progress: { hold: "on_hold", requeue: "ringing", end: "ended" },
  on_hold: { resume: "in_progress", requeue: "ringing", end: "ended" },
  ended: {},
};

export function callTransition(from: CallState, action: StateAction): CallState {
  const to = TRANSITIONS[from][action];
  if (!to) fail("invalid_transition", `A call that is ${from.replace("_", " ")} cannot ${action}.`);
  return to;
}

/** A refusal: a registry code and the sentence for this case. */
export interface Refusal {
  code: ErrorCode;
  message: string;
}

/** Everything that changes a call. */
export type CallAction =
  /** An agent (inbound) or the far end (outbound, `agentId` null: the caller stays the agent). */
  | { type: "answer"; agentId: string | null }
  /** A waiting inbound call rings these free agents (the queue's offer, Queue.ts). */
  | { type: "offer"; userIds: string[] }
  /** Nobody it rang answered within the ring timeout: the call waits in the queue again. */
  | { type: "unanswered" }
  /** A call ahead in the queue left it: this call's position changed (told, nothing written). */
  | { type: "queue_moved" }
  /**
   * The agent's softphone disappeared (AgentGone.ts): the connected inbound call waits in its
   * number's queue again, as a new one would, and the customer hears hold music.
   */
  | { type: "requeue" }
  | { type: "hold" }
  | { type: "resume" }
  | { type: "mute"; muted: boolean }
  /** A transfer to a user begins to ring them (Transfers.ts); the customer hears hold music. */
  | { type: "transfer"; toUserId: string }
  /** The user it rings accepted: they become the call's agent. */
  | { type: "transfer_accept" }
  /** The transfer returns to the agent: the user declined, it rang out, or the agent cancelled it. */
  | { type: "transfer_return"; outcome: "declined" | "no_answer" | "cancelled" }
  | { type: "transfer_external"; to: string }
  | { type: "add_party"; number: string }
  | { type: "third_party_left" }
  | { type: "hand"; raised: boolean }
  | { type: "tag"; tag: string }
  /** A note on the call (comments are the call's, in their own table). */
  | { type: "comment"; id: string; authorId: string; text: string }
  /** A coaching session started on the call: a raised hand goes down (help came). */
  | { type: "coach_joined" }
  /** The call's coaching session (`sessionId`, or whichever is active) ends without the call. */
  | { type: "coach_left"; reason: CoachingEndReason; sessionId: string | null }
  | { type: "end"; reason: CallEndReason };

/** Actions the agent takes on a connected call (SPEC §2). */
const AGENT_ACTIONS = new Set<CallAction["type"]>([
  "hold",
  "resume",
  "mute",
  "transfer",
  "transfer_external",
  "add_party",
  "hand",
]);

/**
 * What `action` changes on `call` (an empty patch: nothing), or a refusal. `now` stamps
 * answers and ends.
 */
/**
 * The customer's whole wait until `call`'s answer (ms): its earlier waits, and the last one from
 * its requeue (queuedAt), or from its arrival when it never was; 0 before an answer.
 */
export function waitBeforeAnswer(
  call: Pick<CallRecord, "createdAt" | "answeredAt" | "queuedAt" | "earlierWaitMs">,
): number {
  if (!call.answeredAt) return call.earlierWaitMs ?? 0;
  const since = call.earlierWaitMs === null ? call.createdAt : (call.queuedAt ?? call.createdAt);
  return (call.earlierWaitMs ?? 0) + Math.max(0, call.answeredAt.getTime() - since.getTime());
}

export function applyCallAction(call: CallRecord, action: CallAction, now: Date): Partial<CallRecord> {
  const refusal = stateRefusal(call, action.type);
  if (refusal) fail(refusal.code, refusal.message);
  switch (action.type) {
    case "answer":
      return {
        state: callTransition(call.state, "answer"),
        ...(action.agentId ? { agentId: action.agentId } : {}),
        ringingUserIds: [],
        answeredAt: now,
      };
    case "offer":
      if (call.state !== "ringing") fail("invalid_transition", "The call is no longer waiting.");
      return { ringingUserIds: action.userIds };
    case "unanswered":
      return call.ringingUserIds.length === 0 ? {} : { ringingUserIds: [] };
    case "queue_moved":
      return {};
    case "requeue":
      if (call.direction !== "inbound")
        fail("invalid_transition", "Only an inbound call can wait in its queue again.");
      return {
        state: callTransition(call.state, "requeue"),
        agentId: null,
        // A conference's third party is dropped with its agent: the next agent gets a two-party call.
        ...(call.conference ? { conference: false, thirdParty: null } : {}),
        agentMuted: false,
        handRaised: false,
        ringingUserIds: [],
        answeredAt: null,
        queuedAt: now,
        earlierWaitMs: waitBeforeAnswer(call),
      };
    case "hold":
    case "resume":
      return { state: callTransition(call.state, action.type) };
    case "mute":
      return call.agentMuted === action.muted ? {} : { agentMuted: action.muted };
    case "transfer":
      if (call.agentId === action.toUserId || !call.agentId) fail("conflict", "The call is already theirs.");
      return {
        transfer: {
          fromUserId: call.agentId,
          toUserId: action.toUserId,
          state: "ringing",
          at: now,
          wasOnHold: call.state === "on_hold",
        },
        ...(call.state === "in_progress" ? { state: callTransition(call.state, "hold") } : {}),
      };
    case "transfer_accept":
      return {
        agentId: call.transfer?.toUserId ?? call.agentId,
        agentMuted: false,
        handRaised: false,
        transfer: null,
        ...(call.state === "on_hold" ? { state: callTransition(call.state, "resume") } : {}),
      };
    case "transfer_return": {
      const t = call.transfer;
      const resume = t && !t.wasOnHold && call.state === "on_hold";
      return {
        transfer: t && { ...t, state: action.outcome, at: now },
        ...(resume ? { state: callTransition(call.state, "resume") } : {}),
      };
    }
    case "transfer_external":
      return { externalTransfer: true, transferredTo: action.to, handRaised: false };
    case "add_party":
      return { conference: true, thirdParty: action.number };
    case "third_party_left":
      return call.state === "ended" || call.thirdParty === null ? {} : { thirdParty: null };
    case "hand":
      return call.handRaised === action.raised ? {} : { handRaised: action.raised };
    case "tag":
      return call.tags.includes(action.tag) ? {} : { tags: [...call.tags, action.tag] };
    case "comment":
    case "coach_left":
      return {};
    case "coach_joined":
      return call.handRaised ? { handRaised: false } : {};
    case "end":
      return {
        state: callTransition(call.state, "end"),
        endedAt: now,
        endReason: endReasonOf(call, action.reason),
        ringingUserIds: [],
        handRaised: false,
        ...(call.transfer?.state === "ringing" ? { transfer: null } : {}),
      };
  }
}

/**
 * The reason a call ends with: a customer who hangs up before an agent answered abandoned it
 * (the live board counts those apart from hang-ups after an answer).
 */
export function endReasonOf(
  call: Pick<CallRecord, "state" | "direction">,
  reason: CallEndReason,
): CallEndReason {
  if (reason === "hangup_customer" && call.state === "ringing" && call.direction === "inbound")
    return "abandoned";
  return reason;
}

/**
 * Why the call's state does not allow `type` now (null: it does), whoever asks. The one
 * check of the state machine, for applyCallAction and for the grants the web app renders.
 */
export function stateRefusal(
  call: Pick<CallRecord, "state" | "externalTransfer" | "conference"> & {
    transfer?: Pick<TransferRecord, "state"> | null;
  },
  type: CallAction["type"],
): Refusal | null {
  const refuse = (code: ErrorCode, message: string): Refusal => ({ code, message });
  if (AGENT_ACTIONS.has(type)) {
    if (call.state === "ended") return refuse("invalid_transition", "The call has ended.");
    if (call.externalTransfer)
      return refuse("invalid_transition", "The call was transferred to an external number.");
    if (call.state === "ringing") return refuse("invalid_transition", "The call is not connected yet.");
  }
  const transferRings = call.transfer?.state === "ringing";
  // While a transfer rings the call may not be handed elsewhere (hold, mute and hand stay free).
  if (transferRings && (type === "transfer" || type === "transfer_external" || type === "add_party"))
    return refuse("transfer_pending", errorMessage("transfer_pending"));
  if (type === "transfer_accept" || type === "transfer_return") {
    if (call.state === "ended") return refuse("invalid_transition", "The call has ended.");
    if (!transferRings) return refuse("no_transfer_offered", errorMessage("no_transfer_offered"));
  }
  if (type === "end" && call.state === "ended")
    return refuse("invalid_transition", "The call has already ended.");
  if (type === "add_party" && call.conference)
    return refuse("conflict", "This call already has a third party.");
  if (type === "requeue" && call.externalTransfer)
    return refuse("invalid_transition", "The call was transferred to an external number.");
  if (type === "answer" || type === "hold" || type === "resume" || type === "requeue" || type === "end") {
    if (!TRANSITIONS[call.state][type])
      return refuse("invalid_transition", `A call that is ${call.state.replace("_", " ")} cannot ${type}.`);
  }
  return null;
}

/** A call that stops being coachable by this action ends its coaching session with this reason. */
export function endsCoachingAs(action: CallAction): CoachingEndReason | null {
  switch (action.type) {
    case "coach_left":
      return action.reason;
    case "end":
      return "call_ended";
    case "transfer_accept": // transferred away from the coached agent (SPEC §3: uncoachable for them)
      return "transferred";
    case "transfer_external":
      return "external_transfer";
    case "add_party":
      return "conference";
    case "requeue":
      return "agent_disconnected";
    default:
      return null;
  }
}
