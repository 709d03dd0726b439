// The live board's reads and the bookkeeping they need: users' sockets per node
// (user_presence), the agent state last told (users.agent_state), and one aggregate query over
// an org's inbound calls per number (docs/ARCHITECTURE.md, "The live board").
import { type RawBuilder, sql } from "kysely";
import type { ToldState } from "../control/agentState.ts";
import type {
  AgentActivity,
  NumberCallCounts,
  PeriodCounts,
  SettledCounts,
  SettledWindow,
  StatsWindow,
} from "../control/boardFacts.ts";
import { ABANDONED_REASONS, WAITING_STATES } from "../control/liveStats.ts";
import { DirectoryQueries } from "./DirectoryQueries.ts";

const date = (v: Date | string | null): Date | null => (v === null ? null : new Date(v));

export class BoardQueries extends DirectoryQueries {
  async agentActivity(userIds: string[]): Promise<AgentActivity[]> {
    if (userIds.length === 0) return [];
    const rows = await this.db
      .selectFrom("users as u")
      .select((eb) => [
        "u.id",
        "u.agent_state",
        "u.agent_state_since",
        eb
          .exists(eb.selectFrom("user_presence as p").select("p.user_id").whereRef("p.user_id", "=", "u.id"))
          .as("online"),
        // calls_live narrows this to the org's unended calls; a transfer offered rings too
        // (calls_transfer_ringing). LEAST ignores a null.
        sql<Date | string | null>`LEAST((SELECT min(c.created_at) FROM calls c WHERE c.org_id = u.org_id
          AND c.state <> 'ended' AND c.state = 'ringing' AND c.direction = 'inbound'
          AND c.ringing_user_ids @> jsonb_build_array(u.id)),
          (SELECT min(c.transfer_at) FROM calls c WHERE c.transfer_to_id = u.id
          AND c.transfer_state = 'ringing' AND c.state <> 'ended'))`.as("ringing_since"),
        // calls_agent_ended: the newest end of the user's calls.
        sql<Date | string | null>`(SELECT max(c.ended_at) FROM calls c WHERE c.agent_id = u.id)`.as(
          "last_ended_at",
        ),
      ])
      .where("u.id", "in", userIds)
      .execute();
    return rows.map((r) => ({
      userId: r.id,
      online: Boolean(r.online),
      ringingSince: date(r.ringing_since),
      lastCallEndedAt: date(r.last_ended_at),
      told:
        r.agent_state && r.agent_state_since
          ? { state: r.agent_state as ToldState["state"], since: new Date(r.agent_state_since) }
          : null,
    }));
  }

  async recordAgentState(userId: string, told: ToldState): Promise<void> {
    await this.db
      .updateTable("users")
      .set({ agent_state: told.state, agent_state_since: told.since })
      .where("id", "=", userId)
      .where((eb) =>
        eb.or([
          eb("agent_state", "is", null),
          eb("agent_state", "<>", told.state),
          eb("agent_state_since", "<>", told.since),
        ]),
      )
      .execute();
  }

  async countSocket(userId: string, nodeId: string, delta: 1 | -1): Promise<boolean> {
    const before = await this.onlineNodes(userId);
    if (delta === 1) {
      await sql`INSERT INTO user_presence (user_id, node_id, sockets) VALUES (${userId}, ${nodeId}, 1)
        ON CONFLICT (user_id, node_id) DO UPDATE SET sockets = user_presence.sockets + 1`.execute(this.db);
    } else {
      await sql`UPDATE user_presence SET sockets = sockets - 1 WHERE user_id = ${userId} AND node_id = ${nodeId}`.execute(
        this.db,
      );
      await sql`DELETE FROM user_presence WHERE user_id = ${userId} AND node_id = ${nodeId} AND sockets <= 0`.execute(
        this.db,
      );
    }
    const after = await this.onlineNodes(userId);
    return (before === 0) !== (after === 0);
  }

  async presenceNodes(exceptNodeId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom("user_presence")
      .select("node_id")
      .distinct()
      .where("node_id", "<>", exceptNodeId)
      .execute();
    return rows.map((r) => r.node_id);
  }

  async forgetSocketsOfNodes(nodeIds: string[]): Promise<string[]> {
    if (nodeIds.length === 0) return [];
    const rows = await this.db
      .deleteFrom("user_presence")
      .where("node_id", "in", nodeIds)
      .returning("user_id")
      .execute();
    const users = [...new Set(rows.map((r) => r.user_id))];
    if (users.length === 0) return [];
    const still = await this.db
      .selectFrom("user_presence")
      .select("user_id")
      .where("user_id", "in", users)
      .execute();
    const online = new Set(still.map((r) => r.user_id));
    return users.filter((id) => !online.has(id));
  }

  async numberCallCounts(w: StatsWindow): Promise<NumberCallCounts[]> {
    const waiting = sql`state IN (${sql.join(WAITING_STATES)})`;
    // The calls ended before settledBefore are in LiveBoard's sums (settledCallCounts), not here.
    const unsettled = sql`(ended_at IS NULL OR ended_at >= ${w.settledBefore})`;
    const today = periodColumns(sql`created_at >= ${w.dayStart} AND ${unsettled}`, w.thresholdMs, "today");
    const recent = periodColumns(sql`created_at >= ${w.recentStart}`, w.thresholdMs, "recent");
    // The org's inbound calls offered in the last 15 minutes (calls_org_created), not ended
    // (calls_live) or ended since settledBefore (calls_org_ended), grouped by number: a few
    // thousand rows at most, however many the day had.
    const { rows } = await sql<Record<string, string | number | Date | null>>`
      SELECT number_id,
        count(*) FILTER (WHERE ${waiting})::int AS waiting,
        min(coalesce(queued_at, created_at)) FILTER (WHERE ${waiting}) AS oldest_waiting_at,
        ${today}, ${recent}
      FROM calls
      WHERE org_id = ${w.orgId} AND direction = 'inbound'
        AND (created_at >= ${w.recentStart} OR state <> 'ended' OR ended_at >= ${w.settledBefore})
      GROUP BY number_id`.execute(this.db);
    return rows.map((r) => ({
      numberId: String(r.number_id),
      waiting: Number(r.waiting),
      oldestWaitingAt: date(r.oldest_waiting_at as Date | string | null),
      today: periodOf(r, "today"),
      recent: periodOf(r, "recent"),
    }));
  }

  async settledCallCounts(w: SettledWindow): Promise<SettledCounts[]> {
    const from = w.from ? sql`AND ended_at >= ${w.from}` : sql``;
    const { rows } = await sql<Record<string, string | number | Date | null>>`
      SELECT number_id, ${periodColumns(sql`TRUE`, w.thresholdMs, "settled")}
      FROM calls
      WHERE org_id = ${w.orgId} AND direction = 'inbound' AND created_at >= ${w.dayStart}
        AND ended_at < ${w.to} ${from}
      GROUP BY number_id`.execute(this.db);
    return rows.map((r) => ({ numberId: String(r.number_id), counts: periodOf(r, "settled") }));
  }

  private async onlineNodes(userId: string): Promise<number> {
    const r = await this.db
      .selectFrom("user_presence")
      .select(sql<number>`count(*)::int`.as("n"))
      .where("user_id", "=", userId)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }
}

const PERIOD_FIELDS = [
  "answered",
  "answeredWithin",
  "abandoned",
  "abandonedAfter",
  "answerMsSum",
  "handled",
  "handleMsSum",
] as const;

function periodColumns(inPeriod: RawBuilder<unknown>, thresholdMs: number, p: string): RawBuilder<unknown> {
  const answered = sql`${inPeriod} AND answered_at IS NOT NULL`;
  const abandoned = sql`${inPeriod} AND answered_at IS NULL AND state = 'ended'
    AND end_reason IN (${sql.join(ABANDONED_REASONS)})`;
  const ms = (a: string, b: string) => sql.raw(`extract(epoch from (${a} - ${b})) * 1000`);
  // The customer's whole wait until `end` (callMachine's waitBeforeAnswer): the waits before a
  // requeue, and the last from its requeue (queued_at) or, never requeued, from its arrival.
  const waitUntil = (end: string) =>
    sql.raw(`(coalesce(earlier_wait_ms, 0) + extract(epoch from (${end} - CASE WHEN earlier_wait_ms IS NULL
      THEN created_at ELSE coalesce(queued_at, created_at) END)) * 1000)`);
  const waitMs = waitUntil("answered_at");
  const cols = {
    answered: sql`count(*) FILTER (WHERE ${answered})::int`,
    answeredWithin: sql`count(*) FILTER (WHERE ${answered} AND ${waitMs} <= ${thresholdMs})::int`,
    abandoned: sql`count(*) FILTER (WHERE ${abandoned})::int`,
    abandonedAfter: sql`count(*) FILTER (WHERE ${abandoned} AND ${waitUntil("ended_at")} > ${thresholdMs})::int`,
    answerMsSum: sql`coalesce(sum(${waitMs}) FILTER (WHERE ${answered}), 0)::float8`,
    handled: sql`count(*) FILTER (WHERE ${answered} AND ended_at IS NOT NULL)::int`,
    handleMsSum: sql`coalesce(sum(${ms("ended_at", "answered_at")}) FILTER (WHERE ${answered} AND ended_at IS NOT NULL), 0)::float8`,
  };
  return sql.join(
    PERIOD_FIELDS.map((k) => sql`${cols[k]} AS ${sql.ref(`${p}_${k}`)}`),
    sql`, `,
  );
}

function periodOf(r: Record<string, unknown>, p: string): PeriodCounts {
  const out = {} as PeriodCounts;
  for (const k of PERIOD_FIELDS) out[k] = Number(r[`${p}_${k}`] ?? 0);
  return out;
}
