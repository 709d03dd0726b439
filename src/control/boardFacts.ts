// What the Store reads for the live board: a user's activity (agentState.ts) and a number's
// call counts (liveStats.ts). Types only.
import type { ToldState } from "./agentState.ts";

/** What the store knows of a user's activity for their agent state (control/agentState.ts). */
export interface AgentActivity {
  userId: string;
  online: boolean;
  ringingSince: Date | null;
  lastCallEndedAt: Date | null;
  /** The state last told (users.agent_state), null before the first. */
  told: ToldState | null;
}

/** One number's live-board counts from the calls table (StatsQueries; control/liveStats.ts). */
export interface NumberCallCounts {
  numberId: string;
  waiting: number;
  oldestWaitingAt: Date | null;
  today: PeriodCounts;
  recent: PeriodCounts;
}

export interface PeriodCounts {
  answered: number;
  answeredWithin: number;
  abandoned: number;
  abandonedAfter: number;
  answerMsSum: number;
  handled: number;
  handleMsSum: number;
}

export interface StatsWindow {
  orgId: string;
  dayStart: Date;
  recentStart: Date;
  thresholdMs: number;
  /** Today's counts leave out the calls ended before this (LiveBoard holds their sums: settledCallCounts). */
  settledBefore: Date;
}

/** The calls of the day (offered since dayStart) that ended in [from, to): from null, since the day began. */
export interface SettledWindow {
  orgId: string;
  dayStart: Date;
  thresholdMs: number;
  from: Date | null;
  to: Date;
}

/** One number's counts of the calls of a SettledWindow. */
export interface SettledCounts {
  numberId: string;
  counts: PeriodCounts;
}
