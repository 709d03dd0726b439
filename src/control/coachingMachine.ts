// The coaching session as a state machine: active (in one of three modes) → ended.
import type { CoachingMode } from "../protocol/resources.ts";
import { fail } from "./errors.ts";

export interface SessionState {
  mode: CoachingMode;
  modesUsed: CoachingMode[];
  endedAt: string | null;
  agentAwareAt: string | null;
}

export interface ModeChange {
  mode: CoachingMode;
  modesUsed: CoachingMode[];
  /** True when this change makes the coach audible to the agent for the first time. */
  firstAudible: boolean;
}

export function changeMode(s: SessionState, mode: CoachingMode, bargeAllowed: boolean): ModeChange {
  if (s.endedAt !== null) fail("session_ended");
  if (mode === "barge" && !bargeAllowed) fail("barge_not_allowed");
  const modesUsed = s.modesUsed.includes(mode) ? s.modesUsed : [...s.modesUsed, mode];
  const audible = mode === "whisper" || mode === "barge";
  return { mode, modesUsed, firstAudible: audible && s.agentAwareAt === null };
}
