// The call history's half of the Store (control/CallHistory.ts): an org's calls newest first,
// narrowed by agent, contact or number (indexes calls_history_* of migration 010), paged by a
// (created_at, id) cursor; every coaching session of a page's calls; and the coaching notes.
import { sql } from "kysely";
import type { HistoryFilter, HistoryRows, NoteRecord, SessionRecord } from "../control/model.ts";
import { QueueQueries } from "./QueueQueries.ts";
import { callFromRow, sessionFromRow } from "./rows.ts";

export class HistoryQueries extends QueueQueries {
  async callHistory(f: HistoryFilter): Promise<HistoryRows> {
    // The cursor keeps PostgreSQL's microseconds (a JavaScript Date has milliseconds): calls
    // created within the same millisecond are neither skipped nor repeated across pages.
    let q = this.db
      .selectFrom("calls")
      .selectAll()
      .select(
        sql<string>`to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as("at_us"),
      )
      .where("org_id", "=", f.orgId);
    if (f.agentId) q = q.where("agent_id", "=", f.agentId);
    if (f.contactId) q = q.where("contact_id", "=", f.contactId);
    if (f.numberId) q = q.where("number_id", "=", f.numberId);
    const before = f.before;
    if (before)
      q = q.where(
        before.id === null
          ? sql<boolean>`created_at < ${before.at}::timestamptz`
          : sql<boolean>`(created_at, id) < (${before.at}::timestamptz, ${before.id})`,
      );
    const rows = await q
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .limit(f.limit + 1)
      .execute();
    const page = rows.slice(0, f.limit);
    const last = page.at(-1);
    return {
      calls: page.map(callFromRow),
      next: rows.length > f.limit && last ? `${last.at_us}~${last.id}` : null,
    };
  }

  async sessionsOfCalls(callIds: string[]): Promise<SessionRecord[]> {
    if (callIds.length === 0) return [];
    const rows = await this.db
      .selectFrom("coaching_sessions")
      .selectAll()
      .where("call_id", "in", callIds)
      .orderBy("started_at")
      .execute();
    return rows.map(sessionFromRow);
  }

  async insertNote(n: NoteRecord): Promise<void> {
    await this.db
      .insertInto("coaching_notes")
      .values({
        id: n.id,
        session_id: n.sessionId,
        author_id: n.authorId,
        text: n.text,
        created_at: n.createdAt,
      })
      .execute();
  }

  async listNotes(sessionIds: string[]): Promise<NoteRecord[]> {
    if (sessionIds.length === 0) return [];
    const rows = await this.db
      .selectFrom("coaching_notes")
      .selectAll()
      .where("session_id", "in", sessionIds)
      .orderBy("created_at")
      .orderBy("id")
      .execute();
    return rows.map((r) => ({
      id: r.id,
      sessionId: r.session_id,
      authorId: r.author_id,
      text: r.text,
      createdAt: r.created_at instanceof Date ? r.created_at : new Date(r.created_at),
    }));
  }
}
