// The call history (issue 15): per agent, contact or number, the calls newest first with their
// tags, comments and every coaching session with its notes; and the coaching notes supervisors
// leave on a session once its call ended (kept with the session's audit record).
import type { Call, CoachingNote } from "../protocol/resources.ts";
import type { CallViews } from "./CallViews.ts";
import type { Coaching } from "./Coaching.ts";
import type { ControlContext } from "./context.ts";
import { fail } from "./errors.ts";
import { asViewer, coachingNoteRefusal, refuseIf } from "./grants.ts";
import type { HistoryFilter, NoteRecord, SessionRecord, UserRecord } from "./model.ts";
import { agentMayKnow, canMonitor } from "./policy.ts";
import { callFacts, presentNotes, presentSession } from "./presenter.ts";
import type { Publisher } from "./publisher.ts";

/** A page of the call history (GET /calls): `nextBefore` asks for the next, older page (null: none). */
export interface CallPage {
  calls: Call[];
  nextBefore: string | null;
}

export interface HistoryQuery {
  agentId?: string;
  contactId?: string;
  numberId?: string;
  /** A previous page's `nextBefore` (`<time>~<id>`), or an ISO time: the calls created before it. */
  before?: string;
  limit: number;
}

/** Reads a `before` cursor: the creation time (microseconds kept, as text) and the id after it. */
export function parseCursor(before: string): { at: string; id: string | null } {
  const [at, id] = before.split("~");
  return { at, id: id ?? null };
}

export class CallHistory {
  constructor(
    private readonly ctx: ControlContext,
    private readonly views: CallViews,
    private readonly coaching: Pick<Coaching, "get">,
    private readonly publisher: Pick<Publisher, "noteAdded">,
  ) {}

  /**
   * A page of the calls `viewer` may see: a monitor (Live Monitoring) the org's, anyone else
   * their own as agent. Unknown ids are 404; an agent asking for another's calls is refused.
   */
  async page(viewer: UserRecord, q: HistoryQuery): Promise<CallPage> {
    await this.assertKnown(viewer, q);
    const filter: HistoryFilter = {
      orgId: viewer.orgId,
      agentId: q.agentId,
      contactId: q.contactId,
      numberId: q.numberId,
      before: q.before ? parseCursor(q.before) : undefined,
      limit: q.limit,
    };
    if (!canMonitor(viewer)) {
      if (q.agentId && q.agentId !== viewer.id) fail("forbidden", "You can see only your own calls.");
      filter.agentId = viewer.id;
    }
    const store = this.ctx.store;
    const rows = await store.callHistory(filter);
    const [calls, allSessions] = await Promise.all([
      this.views.present(rows.calls, viewer),
      store.sessionsOfCalls(rows.calls.map((c) => c.id)),
    ]);
    // A session its agent never became aware of is none of the agent's business (agentMayKnow);
    // text whispers are the coach's and the agent's only (as on the live call).
    const sessions = allSessions.filter((s) => agentMayKnow(s, viewer.id));
    const own = sessions.filter((s) => s.coachId === viewer.id || s.agentId === viewer.id);
    const [events, notes] = await Promise.all([
      store.listSessionEvents(own.map((s) => s.id)),
      store.listNotes(sessions.map((s) => s.id)),
    ]);
    const users = await store.getUsers([
      ...new Set([...sessions.map((s) => s.coachId), ...notes.map((n) => n.authorId)]),
    ]);
    const presentedNotes = presentNotes(notes, users);
    const nameOf = (s: SessionRecord) => users.find((u) => u.id === s.coachId)?.name ?? "";
    for (const call of calls) {
      const record = rows.calls.find((c) => c.id === call.id);
      const situation = record && record.state !== "ended" ? record : null;
      call.coachingSessions = sessions
        .filter((s) => s.callId === call.id)
        .map((s) => presentSession(s, nameOf(s), situation, events, presentedNotes));
    }
    return { calls, nextBefore: rows.next };
  }

  private async assertKnown(viewer: UserRecord, q: HistoryQuery): Promise<void> {
    const store = this.ctx.store;
    const [agent, contact, number] = await Promise.all([
      q.agentId ? store.getUser(q.agentId) : null,
      q.contactId ? store.getContact(q.contactId) : null,
      q.numberId ? store.getNumber(q.numberId) : null,
    ]);
    const unknown = (found: { orgId: string } | null | undefined) =>
      found !== null && found?.orgId !== viewer.orgId;
    if (unknown(agent)) fail("not_found", "No such user.");
    if (unknown(contact)) fail("not_found", "No such contact.");
    if (unknown(number)) fail("not_found", "No such number.");
  }

  /** A coaching note on `sessionId`, by a supervisor or admin the grant allows, after the call ended. */
  async addNote(viewer: UserRecord, sessionId: string, text: string): Promise<CoachingNote> {
    const session = await this.coaching.get(viewer, sessionId);
    if (!agentMayKnow(session, viewer.id)) fail("not_found", "No such coaching session.");
    const call = await this.ctx.store.getCall(session.callId);
    if (!call) fail("not_found", "No such call.");
    const number = await this.ctx.store.getNumber(call.numberId);
    refuseIf(coachingNoteRefusal(asViewer(viewer), callFacts(call, number?.userIds ?? [], null)));
    const note: NoteRecord = {
      id: this.ctx.newId(),
      sessionId,
      authorId: viewer.id,
      text: text.trim(),
      createdAt: this.ctx.now(),
    };
    await this.ctx.store.insertNote(note);
    const presented = presentNotes([note], [viewer])[0];
    this.publisher.noteAdded(session, presented);
    return presented;
  }
}
