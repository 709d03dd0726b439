// The live board (issue 15): per number, for today and the last 15 minutes, from the calls in
// the database (correct across nodes). A call that ended does not change again, so LiveBoard
// keeps the day's sums of the calls ended more than SETTLE_MS ago (Store.settledCallCounts, only
// the newly ended ones each time) and each compute aggregates the rest: the last 15 minutes, the
// calls not ended and those ended since (Store.numberCallCounts). Pushed to monitors as
// stats.updated, at most once a second per org after calls change (LiveBoard).
import type { LiveStats, NumberStats, PeriodStats } from "../protocol/stats.ts";
import type { NumberCallCounts, PeriodCounts, SettledCounts } from "./boardFacts.ts";
import type { ControlContext } from "./context.ts";
import { monitorRefusal, refuseIf } from "./grants.ts";
import type { UserRecord } from "./model.ts";
import { Publisher } from "./publisher.ts";

/** Call states that mean "a customer is waiting for an agent" (queued or ringing: Queue.ts keeps the four states). */
export const WAITING_STATES: readonly string[] = ["ringing"];
/**
 * End reasons of an unanswered inbound call that count as abandoned (the customer gave up):
 * `abandoned` since queues (callMachine's endReasonOf), `hangup_customer` for calls before them.
 */
export const ABANDONED_REASONS: readonly string[] = ["abandoned", "hangup_customer"];
/** "The last 15 minutes". */
export const RECENT_MS = 15 * 60_000;
/**
 * How long after its end a call joins the day's kept sums: longer than any transaction that
 * ends a call takes to commit and than the nodes' clocks differ (ended_at is the ending node's
 * clock), so no call ends "before" the sums' bound after they were brought past it.
 */
export const SETTLE_MS = 60_000;

export interface BoardSettings {
  /** IANA time zone whose midnight starts "today" (EARSHOT_STATS_TIME_ZONE, default UTC). */
  timeZone: string;
  /** Service level threshold (EARSHOT_SERVICE_LEVEL_S, default 20 s). */
  serviceLevelMs: number;
  /** Least time between two stats.updated of one org. */
  pushIntervalMs: number;
  /** How long after its end a call joins the day's kept sums (SETTLE_MS; tests use a short one). */
  settleMs: number;
}

/** The instant `now`'s day began in `timeZone` (its local midnight). */
export function startOfDay(now: Date, timeZone: string): Date {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(now);
  const n = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const localAsUtc = Date.UTC(n("year"), n("month") - 1, n("day"), n("hour"), n("minute"), n("second"));
  const offset = localAsUtc - Math.floor(now.getTime() / 1000) * 1000;
  const midnightLocalAsUtc = Date.UTC(n("year"), n("month") - 1, n("day"));
  return new Date(midnightLocalAsUtc - offset);
}

const EMPTY: PeriodCounts = {
  answered: 0,
  answeredWithin: 0,
  abandoned: 0,
  abandonedAfter: 0,
  answerMsSum: 0,
  handled: 0,
  handleMsSum: 0,
};

/** A period's figures from its counts: service level = within ÷ (answered + abandoned after). */
export function periodStats(c: PeriodCounts): PeriodStats {
  const offered = c.answered + c.abandonedAfter;
  return {
    answered: c.answered,
    abandoned: c.abandoned,
    serviceLevel: offered === 0 ? null : c.answeredWithin / offered,
    averageSpeedOfAnswerMs: c.answered === 0 ? null : Math.round(c.answerMsSum / c.answered),
    averageHandleTimeMs: c.handled === 0 ? null : Math.round(c.handleMsSum / c.handled),
  };
}

const add = (a: PeriodCounts, b: PeriodCounts): PeriodCounts => {
  const out = { ...a };
  for (const k of Object.keys(EMPTY) as (keyof PeriodCounts)[]) out[k] = a[k] + b[k];
  return out;
};

/** The board of an org's numbers from their counts (numbers without calls show zeros). */
export function boardOf(
  orgId: string,
  numbers: { id: string; name: string }[],
  counts: NumberCallCounts[],
  now: Date,
  dayStart: Date,
  s: Pick<BoardSettings, "timeZone" | "serviceLevelMs">,
): LiveStats {
  const empty = (numberId: string): NumberCallCounts => ({
    numberId,
    waiting: 0,
    oldestWaitingAt: null,
    today: EMPTY,
    recent: EMPTY,
  });
  const rows = numbers.map((n) => counts.find((c) => c.numberId === n.id) ?? empty(n.id));
  const total = rows.reduce(
    (t, r) => ({
      numberId: "",
      waiting: t.waiting + r.waiting,
      oldestWaitingAt:
        !t.oldestWaitingAt || (r.oldestWaitingAt && r.oldestWaitingAt < t.oldestWaitingAt)
          ? r.oldestWaitingAt
          : t.oldestWaitingAt,
      today: add(t.today, r.today),
      recent: add(t.recent, r.recent),
    }),
    empty(""),
  );
  const present = (c: NumberCallCounts, name: string, numberId: string | null): NumberStats => ({
    numberId,
    name,
    waiting: c.waiting,
    longestWaitMs: c.oldestWaitingAt ? Math.max(0, now.getTime() - c.oldestWaitingAt.getTime()) : 0,
    today: periodStats(c.today),
    last15m: periodStats(c.recent),
  });
  return {
    orgId,
    at: now.toISOString(),
    timeZone: s.timeZone,
    dayStart: dayStart.toISOString(),
    serviceLevelThresholdMs: s.serviceLevelMs,
    numbers: rows.map((r, i) => present(r, numbers[i].name, numbers[i].id)),
    total: present(total, "", null),
  };
}

/** Computes the board and pushes it, coalesced: at most once per pushIntervalMs per org. */
export class LiveBoard {
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly lastPush = new Map<string, number>();
  /** Per org, the day's sums of the calls ended before `before` (chained: one update at a time). */
  private readonly settled = new Map<string, Promise<Settled>>();
  private readonly publisher: Publisher;

  constructor(
    private readonly ctx: ControlContext,
    readonly settings: BoardSettings,
  ) {
    this.publisher = new Publisher(ctx);
  }

  /** GET /stats/live: monitors and admins only. */
  async read(viewer: UserRecord): Promise<LiveStats> {
    refuseIf(monitorRefusal(viewer));
    return this.compute(viewer.orgId);
  }

  async compute(orgId: string): Promise<LiveStats> {
    const now = this.ctx.now();
    const dayStart = startOfDay(now, this.settings.timeZone);
    const [numbers, settled] = await Promise.all([
      this.ctx.store.listNumbers(orgId),
      this.settledUpTo(orgId, dayStart, new Date(now.getTime() - this.settings.settleMs)),
    ]);
    const counts = await this.ctx.store.numberCallCounts({
      orgId,
      dayStart,
      recentStart: new Date(now.getTime() - RECENT_MS),
      thresholdMs: this.settings.serviceLevelMs,
      settledBefore: settled.before,
    });
    return boardOf(orgId, numbers, withSettled(counts, settled.counts), now, dayStart, this.settings);
  }

  /**
   * The org's kept sums brought up to `before`: only the calls ended since the last bound are
   * read; all of the day's again on a new day, a new threshold, or after a failed read. A bound
   * already past `before` (a compute begun later got there first) is kept as it is.
   */
  private settledUpTo(orgId: string, dayStart: Date, before: Date): Promise<Settled> {
    const thresholdMs = this.settings.serviceLevelMs;
    const prev = this.settled.get(orgId)?.catch(() => undefined) ?? Promise.resolve(undefined);
    const next = prev.then(async (s) => {
      const same = s && s.dayStart === dayStart.getTime() && s.thresholdMs === thresholdMs;
      if (same && s.before >= before) return s;
      const from = same ? s.before : null;
      const rows = await this.ctx.store.settledCallCounts({ orgId, dayStart, thresholdMs, from, to: before });
      return {
        dayStart: dayStart.getTime(),
        thresholdMs,
        before,
        counts: addSettled(same ? s.counts : [], rows),
      };
    });
    this.settled.set(orgId, next);
    return next;
  }

  /** A call of the org changed: a push is due (now, or when the interval since the last allows). */
  changed(orgId: string): void {
    if (this.pending.has(orgId)) return;
    const wait = Math.max(0, (this.lastPush.get(orgId) ?? 0) + this.settings.pushIntervalMs - Date.now());
    const timer = setTimeout(() => {
      this.pending.delete(orgId);
      this.lastPush.set(orgId, Date.now());
      this.compute(orgId)
        .then((stats) => this.publisher.statsUpdated(stats))
        .catch((err: unknown) => this.ctx.log.error({ err, orgId }, "could not push the live board"));
    }, wait);
    timer.unref?.();
    this.pending.set(orgId, timer);
  }

  close(): void {
    for (const t of this.pending.values()) clearTimeout(t);
    this.pending.clear();
    this.settled.clear();
  }
}

/** An org's kept sums: its day's calls that ended before `before`, per number. */
interface Settled {
  dayStart: number;
  thresholdMs: number;
  before: Date;
  counts: SettledCounts[];
}

function addSettled(kept: SettledCounts[], rows: SettledCounts[]): SettledCounts[] {
  const out = new Map(kept.map((k) => [k.numberId, k.counts]));
  for (const r of rows) out.set(r.numberId, add(out.get(r.numberId) ?? EMPTY, r.counts));
  return [...out].map(([numberId, counts]) => ({ numberId, counts }));
}

/** The counts of the calls not yet settled with the kept sums added to today's. */
function withSettled(counts: NumberCallCounts[], settled: SettledCounts[]): NumberCallCounts[] {
  const out = new Map(counts.map((c) => [c.numberId, c]));
  for (const k of settled) {
    const c = out.get(k.numberId);
    out.set(
      k.numberId,
      c
        ? { ...c, today: add(c.today, k.counts) }
        : { numberId: k.numberId, waiting: 0, oldestWaitingAt: null, today: k.counts, recent: EMPTY },
    );
  }
  return [...out.values()];
}
