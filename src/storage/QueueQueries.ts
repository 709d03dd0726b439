// The queue half of the Store (docs/ARCHITECTURE.md "Queues"): which inbound calls wait, in
// which order, and which agents are free, longest-idle first. The offer locks both with
// FOR UPDATE SKIP LOCKED, so two nodes offering at once never take the same call or agent.
import { sql } from "kysely";
import type { CallRecord, UserRecord } from "../control/model.ts";
import type { WaitingNumber } from "../control/ports.ts";
import { BoardQueries } from "./BoardQueries.ts";
import { callFromRow, userFromRow } from "./rows.ts";

export class QueueQueries extends BoardQueries {
  async lockWaitingCalls(numberId: string): Promise<CallRecord[]> {
    const rows = await this.db
      .selectFrom("calls")
      .selectAll()
      .where("number_id", "=", numberId)
      .where("state", "=", "ringing")
      .where("direction", "=", "inbound")
      .where(sql<boolean>`ringing_user_ids = '[]'::jsonb`)
      .orderBy("queued_at")
      .orderBy("id")
      .forUpdate()
      .skipLocked()
      .execute();
    return rows.map(callFromRow);
  }

  async lockFreeAgents(numberId: string, wrapUpFrom: Date): Promise<UserRecord[]> {
    const rows = await this.db
      .selectFrom("users")
      .innerJoin("number_users", "number_users.user_id", "users.id")
      .selectAll("users")
      .where("number_users.number_id", "=", numberId)
      .where("users.availability", "=", "available")
      // Not the agent of an unended call (live, or dialling out) and not rung for another call.
      .where(
        sql<boolean>`NOT EXISTS (SELECT 1 FROM calls c WHERE c.agent_id = users.id AND c.state <> 'ended' AND NOT c.external_transfer)`,
      )
      .where(
        sql<boolean>`NOT EXISTS (SELECT 1 FROM calls c WHERE c.state = 'ringing' AND c.ringing_user_ids @> jsonb_build_array(users.id))`,
      )
      // Not offered a transfer (Transfers.ts): a transfer rings one user at a time too.
      .where(
        sql<boolean>`NOT EXISTS (SELECT 1 FROM calls c WHERE c.transfer_to_id = users.id AND c.transfer_state = 'ringing' AND c.state <> 'ended')`,
      )
      // Not in wrap-up: no call of theirs ended since `wrapUpFrom` (agentState.ts's inWrapUp).
      .where(
        sql<boolean>`NOT EXISTS (SELECT 1 FROM calls c WHERE c.agent_id = users.id AND c.ended_at > ${wrapUpFrom})`,
      )
      .orderBy(sql`users.idle_since NULLS FIRST`)
      .orderBy("users.id")
      .forUpdate("users")
      .skipLocked()
      .execute();
    return rows.map(userFromRow);
  }

  async waitingNumbers(orgId: string | null): Promise<WaitingNumber[]> {
    let q = this.db
      .selectFrom("calls")
      .select(["calls.number_id", "calls.org_id"])
      .distinct()
      .where("state", "=", "ringing")
      .where("direction", "=", "inbound")
      .where(sql<boolean>`ringing_user_ids = '[]'::jsonb`);
    if (orgId) q = q.where("org_id", "=", orgId);
    const rows = await q.execute();
    return rows.map((r) => ({ numberId: r.number_id, orgId: r.org_id }));
  }

  async overdueWaitingCalls(now: Date): Promise<string[]> {
    const rows = await this.db
      .selectFrom("calls")
      .innerJoin("numbers", "numbers.id", "calls.number_id")
      .select("calls.id")
      .where("calls.state", "=", "ringing")
      .where("calls.direction", "=", "inbound")
      .where(sql<boolean>`calls.queued_at + numbers.max_wait_s * interval '1 second' <= ${now}`)
      .execute();
    return rows.map((r) => r.id);
  }

  async overdueTransfers(offeredBefore: Date): Promise<string[]> {
    const rows = await this.db
      .selectFrom("calls")
      .select("id")
      .where("transfer_state", "=", "ringing")
      .where("state", "<>", "ended")
      .where("transfer_at", "<=", offeredBefore)
      .execute();
    return rows.map((r) => r.id);
  }

  async queuePositions(callIds: string[]): Promise<Map<string, number>> {
    if (callIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom("calls as c")
      .select([
        "c.id",
        sql<string>`(SELECT count(*) FROM calls o WHERE o.number_id = c.number_id AND o.state = 'ringing'
          AND o.direction = 'inbound' AND (o.queued_at, o.id) < (c.queued_at, c.id)) + 1`.as("position"),
      ])
      .where("c.id", "in", callIds)
      .where("c.state", "=", "ringing")
      .where("c.direction", "=", "inbound")
      .where("c.queued_at", "is not", null)
      .execute();
    return new Map(rows.map((r) => [r.id, Number(r.position)]));
  }

  async markOffline(userId: string, at: Date | null): Promise<void> {
    await this.db.updateTable("users").set({ offline_since: at }).where("id", "=", userId).execute();
  }

  async callsOfAgentsOfflineSince(before: Date): Promise<string[]> {
    const rows = await this.db
      .selectFrom("calls")
      .innerJoin("users", "users.id", "calls.agent_id")
      .select("calls.id")
      .where("calls.state", "in", ["in_progress", "on_hold"])
      .where("calls.external_transfer", "=", false)
      .where("users.offline_since", "<=", before)
      // An agent who took the call while already without a socket gets the grace from then.
      .where(sql<Date>`COALESCE(calls.answered_at, calls.created_at)`, "<=", before)
      .where(sql<boolean>`NOT EXISTS (SELECT 1 FROM user_presence p WHERE p.user_id = users.id)`)
      .execute();
    return rows.map((r) => r.id);
  }

  async isOnline(userId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom("user_presence")
      .select("user_id")
      .where("user_id", "=", userId)
      .executeTakeFirst();
    return row !== undefined;
  }
}
