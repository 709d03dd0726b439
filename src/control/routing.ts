// Audio routing: one pure function from a call's situation to "which source feeds
// which slot of whom" (SPEC §3). The media plane only applies its result.
import { isLive } from "../protocol/calls.ts";
import type { CallDirection, CallState, CoachingMode, Hearing } from "../protocol/resources.ts";
import { type Party, SLOT_SOURCES } from "../protocol/slots.ts";

export { type Party, SLOT_SOURCES };

export type Source = Party | "hold_music";
export type Slots = readonly [Source | null, Source | null];
export type Routing = Readonly<Record<Party, Slots>>;

export interface RoutingInput {
  callState: CallState;
  agentMuted: boolean;
  /** The coaching mode the server has applied; null when there is no session (the coach is heard by nobody). */
  coachMode: CoachingMode | null;
  /** A third party was added: it holds the coach's position, heard by and hearing both others. */
  conference?: boolean;
  /** An inbound call nobody has answered yet: its customer waits in the queue, hearing hold music. */
  waiting?: boolean;
}

export const SILENT: Routing = { customer: [null, null], agent: [null, null], coach: [null, null] };

export function computeRouting(input: RoutingInput): Routing {
  // The same hold music as a held call (one mechanism); nobody else is connected yet.
  if (input.waiting && input.callState === "ringing")
    return { customer: ["hold_music", null], agent: [null, null], coach: [null, null] };
  if (!isLive(input.callState)) return SILENT;
  const onHold = input.callState === "on_hold";
  const agentVoice: Source | null = input.agentMuted ? null : "agent";
  if (input.conference) {
    // On hold the agent hears nobody, the customer hears hold music and the third party silence.
    const third: Source | null = onHold ? null : "coach";
    return {
      customer: [onHold ? "hold_music" : agentVoice, third],
      agent: [onHold ? null : "customer", third],
      coach: [onHold ? null : "customer", onHold ? null : agentVoice],
    };
  }
  const mode = input.coachMode;
  const coachToAgent = mode === "whisper" || mode === "barge";
  const coachToCustomer = mode === "barge" && !onHold;
  return {
    customer: [onHold ? "hold_music" : agentVoice, coachToCustomer ? "coach" : null],
    agent: [onHold ? null : "customer", coachToAgent ? "coach" : null],
    // The coach hears the call only while a session is applied.
    coach: mode === null ? [null, null] : ["customer", agentVoice],
  };
}

/** The part of a call its audio depends on. */
export interface CallSituation {
  state: CallState;
  direction: CallDirection;
  agentMuted: boolean;
  conference: boolean;
}

/** The routing of `call` with a coach in `coachMode` (null: no applied session): what the media plane applies. */
export function routingOf(call: CallSituation, coachMode: CoachingMode | null): Routing {
  return computeRouting({
    callState: call.state,
    agentMuted: call.agentMuted,
    coachMode,
    conference: call.conference,
    waiting: call.direction === "inbound" && call.state === "ringing",
  });
}

/** Who hears `source` under a routing. */
export function listenersOf(routing: Routing, source: Source): Party[] {
  return (Object.keys(routing) as Party[]).filter((p) => routing[p].includes(source));
}

/** Who hears the coach, and whom the coach hears, under `routing`: a session's `hearing` (the UI's "who hears you"). */
export function hearingOf(routing: Routing): Hearing {
  return {
    agentHearsCoach: routing.agent.includes("coach"),
    customerHearsCoach: routing.customer.includes("coach"),
    coachHearsCustomer: routing.coach.includes("customer"),
    coachHearsAgent: routing.coach.includes("agent"),
  };
}
