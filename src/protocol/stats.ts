// The live board's figures (GET /api/v1/stats/live, event stats.updated; control/liveStats.ts).
// This module imports nothing.

/** One period's figures of a number (or of all numbers) on the live board. */
export interface PeriodStats {
  /** Inbound calls offered in the period that an agent answered. */
  answered: number;
  /** Inbound calls offered in the period that the customer gave up on before an answer. */
  abandoned: number;
  /** Answered within the threshold ÷ (answered + abandoned after the threshold); null with neither. */
  serviceLevel: number | null;
  /** Average speed of answer (offered → answered), ms; null without answered calls. */
  averageSpeedOfAnswerMs: number | null;
  /** Average handle time (answered → ended) of the answered calls that ended, ms. */
  averageHandleTimeMs: number | null;
}

export interface NumberStats {
  /** null: the totals of every number. */
  numberId: string | null;
  name: string;
  /** Inbound calls waiting for an agent now. */
  waiting: number;
  /** How long the longest-waiting of them has waited, ms (0 with none). */
  longestWaitMs: number;
  today: PeriodStats;
  last15m: PeriodStats;
}

/** The live board (GET /api/v1/stats/live, event stats.updated). */
export interface LiveStats {
  orgId: string;
  /** When the figures were computed (ISO). */
  at: string;
  /** The time zone whose midnight starts "today" (EARSHOT_STATS_TIME_ZONE, default UTC). */
  timeZone: string;
  dayStart: string;
  serviceLevelThresholdMs: number;
  numbers: NumberStats[];
  total: NumberStats;
}
