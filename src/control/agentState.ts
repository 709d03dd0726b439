// The one definition of an agent's state on the live board (SPEC-style: a pure function of the
// user's facts). The publisher gathers the facts, asks agentState(), and stores what it told
// (users.agent_state / agent_state_since) so a state keeps its start across later events.
import type { AgentState, Availability, CallState } from "../protocol/resources.ts";

export interface AgentFacts {
  availability: Availability;
  /** At least one WebSocket of the user is open on some node (user_presence). */
  online: boolean;
  /** The state of the live call the user is the agent of (isAgentOnCall), if any. */
  callState: CallState | null;
  /** When the oldest inbound call now ringing this user started ringing, if any. */
  ringingSince: Date | null;
  /** When the coaching session the user runs started, if any. */
  coachingSince: Date | null;
  /** When the last call the user was the agent of ended. */
  lastCallEndedAt: Date | null;
}

/** What was told last (users.agent_state), so an unchanged state keeps its start. */
export interface ToldState {
  state: AgentState;
  since: Date;
}

/** Whether the user is in wrap-up after their last call (not offered inbound calls meanwhile). */
export function inWrapUp(lastCallEndedAt: Date | null, now: Date, wrapUpMs: number): boolean {
  return lastCallEndedAt !== null && now.getTime() - lastCallEndedAt.getTime() < wrapUpMs;
}

/** The state: the first that holds, from the most engaged to the least. */
export function agentStateOf(f: AgentFacts, now: Date, wrapUpMs: number): AgentState {
  if (f.coachingSince) return "coaching";
  if (f.callState === "on_hold") return "on_hold";
  if (f.callState === "in_progress") return "on_call";
  if (f.ringingSince) return "ringing";
  if (!f.online) return "offline";
  if (inWrapUp(f.lastCallEndedAt, now, wrapUpMs)) return "wrap_up";
  return f.availability;
}

/**
 * The state and since when: an unchanged state keeps the start told before; a new one starts at
 * the fact that began it where one is recorded (a ring, a coaching start, a call's end, the end
 * of wrap-up), else now (states are told as they change: hold, resume, availability, sockets).
 */
export function agentState(f: AgentFacts, told: ToldState | null, now: Date, wrapUpMs: number): ToldState {
  const state = agentStateOf(f, now, wrapUpMs);
  if (told && told.state === state) return told;
  return { state, since: startOf(state, f, told, wrapUpMs) ?? now };
}

function startOf(state: AgentState, f: AgentFacts, told: ToldState | null, wrapUpMs: number): Date | null {
  switch (state) {
    case "coaching":
      return f.coachingSince;
    case "ringing":
      return f.ringingSince;
    case "wrap_up":
      return f.lastCallEndedAt;
    case "available":
    case "unavailable": {
      // Wrap-up ran out with nobody told: the new state began when it ended.
      if (told?.state !== "wrap_up" || !f.lastCallEndedAt) return null;
      return new Date(f.lastCallEndedAt.getTime() + wrapUpMs);
    }
    default:
      return null;
  }
}
