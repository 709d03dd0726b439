// The Store port on kysely: the same queries run on PGlite and PostgreSQL.
import type { Kysely } from "kysely";
import type {
  CallRecord,
  CommentRecord,
  SessionEventRecord,
  SessionFilter,
  SessionRecord,
  WebhookRecord,
} from "../control/model.ts";
import { isAgentOnCall } from "../control/policy.ts";
import type { Store } from "../control/ports.ts";
import { type Db, guard } from "./DirectoryQueries.ts";
import { HistoryQueries } from "./HistoryQueries.ts";
import {
  callFromRow,
  callToRow,
  commentFromRow,
  sessionEventFromRow,
  sessionFromRow,
  sessionToRow,
} from "./rows.ts";
import type { Database } from "./schema.ts";
import type { SecretBox } from "./secretBox.ts";
import { webhookFromRow } from "./WebhookRows.ts";

export class KyselyStore extends HistoryQueries implements Store {
  /** Seals webhook secrets at rest; null without EARSHOT_SECRET (then no webhook can be stored). */
  constructor(
    db: Db,
    private readonly box: SecretBox | null = null,
  ) {
    super(db);
  }

  async transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    if (this.db.isTransaction) return fn(this);
    return (this.db as Kysely<Database>).transaction().execute((trx) => fn(new KyselyStore(trx, this.box)));
  }

  async lockCall(id: string): Promise<CallRecord | undefined> {
    const r = await this.db
      .selectFrom("calls")
      .selectAll()
      .where("id", "=", id)
      .forUpdate()
      .executeTakeFirst();
    return r && callFromRow(r);
  }

  async lockNumber(id: string): Promise<void> {
    await this.db.selectFrom("numbers").select("id").where("id", "=", id).forUpdate().execute();
  }

  async lockLiveCallsOfNumber(numberId: string): Promise<CallRecord[]> {
    const rows = await this.db
      .selectFrom("calls")
      .selectAll()
      .where("number_id", "=", numberId)
      .where("state", "<>", "ended")
      .orderBy("id")
      .forUpdate()
      .execute();
    return rows.map(callFromRow);
  }

  // Calls

  async countRingingCalls(orgId: string, numberId: string): Promise<number> {
    // org_id and state <> 'ended' select the org's unended calls by the calls_live index.
    const r = await this.db
      .selectFrom("calls")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("org_id", "=", orgId)
      .where("state", "<>", "ended")
      .where("state", "=", "ringing")
      .where("direction", "=", "inbound")
      .where("number_id", "=", numberId)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async insertCall(call: Omit<CallRecord, "createdAt">): Promise<void> {
    await this.db
      .insertInto("calls")
      .values(callToRow(call) as never)
      .execute();
  }

  async getCall(id: string): Promise<CallRecord | undefined> {
    const r = await this.db.selectFrom("calls").selectAll().where("id", "=", id).executeTakeFirst();
    return r && callFromRow(r);
  }

  async listCalls(orgId: string, opts: { unended: boolean; limit: number }): Promise<CallRecord[]> {
    let q = this.db.selectFrom("calls").selectAll().where("org_id", "=", orgId);
    if (opts.unended) q = q.where("state", "<>", "ended");
    const rows = await q.orderBy("created_at", "desc").limit(opts.limit).execute();
    return rows.map(callFromRow);
  }

  async listUnendedCalls(): Promise<CallRecord[]> {
    return (await this.db.selectFrom("calls").selectAll().where("state", "<>", "ended").execute()).map(
      callFromRow,
    );
  }

  async updateCall(id: string, patch: Partial<Omit<CallRecord, "id" | "orgId">>): Promise<void> {
    const row = callToRow(patch);
    if (Object.keys(row).length > 0)
      await this.db.updateTable("calls").set(row).where("id", "=", id).execute();
  }

  async liveCallOfAgent(userId: string): Promise<CallRecord | undefined> {
    // The query narrows to the user's unended calls (one or two rows); "on a call" is the policy's.
    const rows = await this.db
      .selectFrom("calls")
      .selectAll()
      .where("agent_id", "=", userId)
      .where("state", "<>", "ended")
      .execute();
    return rows.map(callFromRow).find((c) => isAgentOnCall(c, userId));
  }

  async listComments(callIds: string[]): Promise<CommentRecord[]> {
    if (callIds.length === 0) return [];
    const rows = await this.db
      .selectFrom("call_comments")
      .selectAll()
      .where("call_id", "in", callIds)
      .orderBy("created_at")
      .execute();
    return rows.map(commentFromRow);
  }

  async insertComment(c: Omit<CommentRecord, "createdAt">): Promise<void> {
    await this.db
      .insertInto("call_comments")
      .values({ id: c.id, call_id: c.callId, author_id: c.authorId, text: c.text })
      .execute();
  }

  // Coaching sessions

  async insertSession(s: Omit<SessionRecord, "startedAt">): Promise<void> {
    await guard(
      this.db
        .insertInto("coaching_sessions")
        .values(sessionToRow(s) as never)
        .execute(),
    );
  }

  async getSession(id: string): Promise<SessionRecord | undefined> {
    const r = await this.db
      .selectFrom("coaching_sessions")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirst();
    return r && sessionFromRow(r);
  }

  async activeSessionOfCall(callId: string): Promise<SessionRecord | undefined> {
    const r = await this.db
      .selectFrom("coaching_sessions")
      .selectAll()
      .where("call_id", "=", callId)
      .where("ended_at", "is", null)
      .executeTakeFirst();
    return r && sessionFromRow(r);
  }

  async activeSessionOfCoach(coachId: string): Promise<SessionRecord | undefined> {
    const r = await this.db
      .selectFrom("coaching_sessions")
      .selectAll()
      .where("coach_id", "=", coachId)
      .where("ended_at", "is", null)
      .executeTakeFirst();
    return r && sessionFromRow(r);
  }

  async activeSessionsOfCalls(callIds: string[]): Promise<SessionRecord[]> {
    if (callIds.length === 0) return [];
    const rows = await this.db
      .selectFrom("coaching_sessions")
      .selectAll()
      .where("call_id", "in", callIds)
      .where("ended_at", "is", null)
      .execute();
    return rows.map(sessionFromRow);
  }

  async updateSession(id: string, patch: Partial<Omit<SessionRecord, "id" | "orgId">>): Promise<void> {
    const row = sessionToRow(patch);
    if (Object.keys(row).length > 0)
      await this.db.updateTable("coaching_sessions").set(row).where("id", "=", id).execute();
  }

  async listSessions(f: SessionFilter): Promise<SessionRecord[]> {
    let q = this.db.selectFrom("coaching_sessions").selectAll().where("org_id", "=", f.orgId);
    if (f.coachId) q = q.where("coach_id", "=", f.coachId);
    if (f.agentId) q = q.where("agent_id", "=", f.agentId);
    if (f.callId) q = q.where("call_id", "=", f.callId);
    if (f.from) q = q.where("started_at", ">=", f.from);
    if (f.to) q = q.where("started_at", "<", f.to);
    const rows = await q.orderBy("started_at", "desc").limit(f.limit).execute();
    return rows.map(sessionFromRow);
  }

  async insertSessionEvent(e: Omit<SessionEventRecord, "at">): Promise<void> {
    await this.db
      .insertInto("coaching_events")
      .values({ session_id: e.sessionId, kind: e.kind, detail: e.detail })
      .execute();
  }

  async listSessionEvents(sessionIds: string[]): Promise<SessionEventRecord[]> {
    if (sessionIds.length === 0) return [];
    const rows = await this.db
      .selectFrom("coaching_events")
      .selectAll()
      .where("session_id", "in", sessionIds)
      .orderBy("id")
      .execute();
    return rows.map(sessionEventFromRow);
  }

  // Webhooks

  async listWebhooks(orgId: string): Promise<WebhookRecord[]> {
    const rows = await this.db
      .selectFrom("webhooks")
      .selectAll()
      .where("org_id", "=", orgId)
      .orderBy("created_at")
      .execute();
    const box = this.box;
    if (rows.length > 0 && !box) throw new Error("webhook secrets need EARSHOT_SECRET to be opened");
    return rows.map((r) => webhookFromRow(r, box as SecretBox));
  }

  async countWebhooks(): Promise<number> {
    const r = await this.db
      .selectFrom("webhooks")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  async insertWebhook(w: Omit<WebhookRecord, "createdAt" | "lastStatus" | "lastAttemptAt">): Promise<void> {
    await this.db
      .insertInto("webhooks")
      .values({
        id: w.id,
        org_id: w.orgId,
        url: w.url,
        secret: this.sealer().seal(w.secret, w.id),
        events: JSON.stringify(w.events),
      })
      .execute();
  }

  private sealer(): SecretBox {
    if (!this.box) throw new Error("webhook secrets need EARSHOT_SECRET to be sealed");
    return this.box;
  }

  async deleteWebhook(id: string): Promise<void> {
    await this.db.deleteFrom("webhooks").where("id", "=", id).execute();
  }

  async recordWebhookAttempt(id: string, status: string, at: Date): Promise<void> {
    await this.db
      .updateTable("webhooks")
      .set({ last_status: status, last_attempt_at: at })
      .where("id", "=", id)
      .execute();
  }
}
