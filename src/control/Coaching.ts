// Coaching sessions (SPEC §3): start, switch mode, leave, text whisper, audit. The rules
// are the policy's; "one coach per call" and "one call per coach" also hold in the
// database itself (unique indexes), so they hold across tabs and server nodes.
import type { CoachingEndReason, CoachingMode, CoachingSession } from "../protocol/resources.ts";
import { CallAudio } from "./CallAudio.ts";
import { transitionIn } from "./CallTransitions.ts";
import type { CallAction } from "./callMachine.ts";
import { changeMode } from "./coachingMachine.ts";
import type { ControlContext } from "./context.ts";
import { EarshotError, fail } from "./errors.ts";
import { coachRefusal, openConversationRefusal, refuseIf } from "./grants.ts";
import type { CallRecord, SessionFilter, SessionRecord, UserRecord } from "./model.ts";
import { agentMayKnow, canBarge, canMonitor } from "./policy.ts";
import { type Store, UniqueViolation } from "./ports.ts";
import { presentNotes, presentSession } from "./presenter.ts";
import { Publisher, type Told } from "./publisher.ts";
import {
  changeModeIn,
  type ModeChanged,
  mayKeepCoaching,
  policyFactsIn,
  type ReviewOutcome,
  reviewSessions,
} from "./sessionChanges.ts";
import type { Transition } from "./transition.ts";

/** A session a permission review ended, with the events of its end (built under the call's lock). */
export type ReviewEnded = { session: SessionRecord; call: CallRecord; told: Told };

export interface StartOptions {
  notifyUser: boolean;
  openConversation: boolean;
  /** The mode it starts in (one-click Whisper or Barge): refused as a switch to it would be. */
  mode: CoachingMode;
}

export class Coaching {
  private readonly audio: CallAudio;
  private readonly publisher: Publisher;

  constructor(private readonly ctx: ControlContext) {
    this.audio = new CallAudio(ctx);
    this.publisher = new Publisher(ctx);
  }

  async start(coach: UserRecord, callId: string, opts: StartOptions): Promise<CoachingSession> {
    let started: { session: SessionRecord; call: CallRecord; coach: UserRecord; told: Told };
    try {
      started = await this.ctx.store.transaction(async (tx) => {
        const inserted = await this.insertSession(tx, coach, callId, opts);
        // The call shows its session (and a raised hand goes down): a transition of the call.
        const joined = await this.transition(tx, callId, { type: "coach_joined" });
        return { ...inserted, call: joined.after, told: joined.told };
      });
    } catch (e) {
      if (!(e instanceof UniqueViolation)) throw e;
      // Lost a race that the database settled: explain it with the policy on fresh data.
      const refusal = await this.refusal(coach, callId);
      throw new EarshotError(
        refusal ?? (e.constraint.includes("coach") ? "coach_busy" : "call_already_coached"),
      );
    }
    const { session, call } = started;
    // A standby coach leg that is not this coach's must never hear, or be heard in, this session.
    this.audio.coachJoined(call, session);
    return this.publisher.sessionStarted(session, started.coach, call, started.told);
  }

  private async insertSession(
    tx: Store,
    viewer: UserRecord,
    callId: string,
    opts: StartOptions,
  ): Promise<{ session: SessionRecord; call: CallRecord; coach: UserRecord }> {
    const call = await tx.lockCall(callId);
    if (!call || call.orgId !== viewer.orgId) fail("not_found", "No such call.");
    // The coach's row too, and the policy on it: a permission change commits before or after
    // this session, never beside it (it then sees the session and reviews it).
    const coach = (await tx.lockUser(viewer.id)) ?? viewer;
    const facts = await policyFactsIn(tx, coach, call);
    refuseIf(coachRefusal(...facts));
    const now = this.ctx.now();
    // The mode as a switch from nothing: barge refused without Live Monitoring+, and a coach who
    // starts audible makes the agent aware at once (as a first audible switch would).
    const start = changeMode(
      { mode: "listen", modesUsed: [], endedAt: null, agentAwareAt: null },
      opts.mode,
      canBarge(coach),
    );
    const session: Omit<SessionRecord, "startedAt"> = {
      id: this.ctx.newId(),
      orgId: coach.orgId,
      callId,
      coachId: coach.id,
      // The policy admits only a live call with an agent (call_not_live otherwise).
      agentId: call.agentId as string,
      mode: start.mode,
      modesUsed: start.modesUsed,
      notifyUser: opts.notifyUser,
      openConversation: opts.openConversation && openConversationRefusal(...facts) === null,
      coachPrevAvailability: coach.availability,
      agentAwareAt: opts.notifyUser || start.firstAudible ? now : null,
      endedAt: null,
      endReason: null,
    };
    await tx.insertSession(session);
    await tx.updateUser(coach.id, { availability: "unavailable" });
    await tx.insertSessionEvent({ sessionId: session.id, kind: "started", detail: start.mode });
    return { session: (await tx.getSession(session.id)) as SessionRecord, call, coach };
  }

  /** Whether `coach` may start coaching `callId` right now. */
  async mayStart(coach: UserRecord, callId: string): Promise<boolean> {
    const call = await this.ctx.store.getCall(callId);
    return !!call && call.orgId === coach.orgId && (await this.refusal(coach, callId)) === null;
  }

  /** The policy's refusal for `coach` on `callId` right now, if any. */
  async refusal(coach: UserRecord, callId: string) {
    const call = await this.ctx.store.getCall(callId);
    if (!call) return null;
    return coachRefusal(...(await policyFactsIn(this.ctx.store, coach, call)))?.code ?? null;
  }

  /**
   * Refuses a coach whose permissions no longer allow the session (the policy that admitted
   * them, on their current role, access and line distribution), before anything else.
   */
  private async assertMayKeep(store: Store, coach: UserRecord, call: CallRecord): Promise<void> {
    const numberUserIds =
      coach.role === "supervisor" ? ((await store.getNumber(call.numberId))?.userIds ?? []) : [];
    const answer = mayKeepCoaching(coach, call, numberUserIds);
    if (!answer.allowed) fail(answer.code);
  }

  async setMode(viewer: UserRecord, sessionId: string, mode: CoachingMode): Promise<CoachingSession> {
    const session = await this.get(viewer, sessionId);
    if (session.coachId !== viewer.id)
      fail("forbidden", "Only the coach of this session can switch its mode.");
    const call = await this.ctx.store.getCall(session.callId);
    if (!call) fail("not_found", "No such call.");
    await this.assertMayKeep(this.ctx.store, viewer, call);
    if (session.endedAt) fail("session_ended");
    // The switch first, the record after: the coach hears a permitted change as soon as the
    // forwarder can apply it (one packet time). The record is written under the call's lock
    // with the coach's permissions read again there; a refusal or a failed write puts back
    // the routing of what the database holds.
    changeMode({ ...session, endedAt: null, agentAwareAt: null }, mode, canBarge(viewer));
    this.audio.route(call, { mode });
    let changed: ModeChanged;
    try {
      changed = await this.ctx.store.transaction(async (tx) => {
        const locked = (await tx.lockCall(session.callId)) ?? call;
        const [coach, current] = await Promise.all([tx.getUser(viewer.id), tx.getSession(sessionId)]);
        if (!coach || !current) fail("not_found", "No such coaching session.");
        await this.assertMayKeep(tx, coach, locked);
        return changeModeIn(tx, current, mode, canBarge(coach), this.ctx.now());
      });
    } catch (error) {
      await this.audio.reroute(session.callId);
      throw error;
    }
    return this.publisher.sessionModeChanged(changed.session, changed.firstAudible);
  }

  /** The coach leaves, or an admin removes the coach; the agent never can. */
  async stop(viewer: UserRecord, sessionId: string): Promise<CoachingSession> {
    const session = await this.get(viewer, sessionId);
    if (session.endedAt) fail("session_ended");
    let reason: CoachingEndReason;
    if (viewer.id === session.coachId) reason = "coach_left";
    else if (viewer.id === session.agentId) fail("cannot_remove_coach");
    else if (viewer.role === "admin") reason = "removed_by_admin";
    else fail("forbidden", "Only the coach or an admin can end this session.");
    return (await this.end(session.callId, session.id, reason)) ?? fail("session_ended");
  }

  /** Ends the call's active session, if any (its coach's audio leg was lost). */
  async endOfCall(callId: string, reason: CoachingEndReason): Promise<void> {
    await this.end(callId, null, reason);
  }

  /** Ends the session (or the call's active one): a transition of its call. Null: ended already. */
  private async end(
    callId: string,
    sessionId: string | null,
    reason: CoachingEndReason,
  ): Promise<CoachingSession | null> {
    const t = await this.ctx.store.transaction((tx) =>
      this.transition(tx, callId, { type: "coach_left", reason, sessionId }),
    );
    if (!t.endedSession) return null;
    this.audio.coachLeft(t.after, t.endedSession);
    this.publisher.send(t.told);
    return t.told.session;
  }

  /**
   * Inside a change of users or numbers (its transaction): re-runs the policy for the sessions it
   * touches (sessionChanges.reviewSessions); a session no longer allowed ends as a call transition.
   */
  review(tx: Store, sessionIds: string[]): Promise<ReviewOutcome<ReviewEnded>[]> {
    return reviewSessions(tx, sessionIds, this.ctx.now(), async (s) => {
      const t = await this.transition(tx, s.callId, {
        type: "coach_left",
        reason: "permission_changed",
        sessionId: s.id,
      });
      return t.endedSession && { session: t.endedSession, call: t.after, told: t.told };
    });
  }

  /** After a review committed: each demoted session's routing, each ended session's coach gone; then the events. */
  async settleReview(outcomes: ReviewOutcome<ReviewEnded>[]): Promise<void> {
    // Every routing first, so that nobody hears a coach the change took away while events go out.
    for (const o of outcomes) {
      if (o.kind === "ended") this.audio.coachLeft(o.call, o.session);
      else this.audio.route(o.call, o.session);
    }
    for (const o of outcomes) {
      if (o.kind === "demoted") await this.publisher.sessionModeChanged(o.session, o.firstAudible);
      else this.publisher.send(o.told);
    }
  }

  private async transition(
    tx: Store,
    callId: string,
    action: CallAction,
  ): Promise<Transition & { told: Told }> {
    const t = await transitionIn(tx, this.ctx, this.publisher, callId, action);
    if (!t) throw new Error("a transition without a condition was skipped");
    return t;
  }

  async sendMessage(
    viewer: UserRecord,
    sessionId: string,
    text: string,
  ): Promise<{ at: string; text: string }> {
    const session = await this.get(viewer, sessionId);
    if (session.coachId !== viewer.id) fail("forbidden", "Only the coach can send text whispers.");
    const call = await this.ctx.store.getCall(session.callId);
    if (!call) fail("not_found", "No such call.");
    await this.assertMayKeep(this.ctx.store, viewer, call);
    if (session.endedAt) fail("session_ended");
    // A text reaches the agent: like the coach's first audible moment (SPEC §3), it tells a
    // silent listener's agent who is coaching them, before the text itself.
    if (!session.agentAwareAt) {
      const aware = { ...session, agentAwareAt: this.ctx.now() };
      await this.ctx.store.updateSession(sessionId, { agentAwareAt: aware.agentAwareAt });
      await this.publisher.sessionModeChanged(aware, true);
    }
    await this.ctx.store.insertSessionEvent({ sessionId, kind: "message", detail: text });
    const at = this.ctx.now().toISOString();
    this.publisher.whisper(session, text, at);
    return { at, text };
  }

  async get(viewer: UserRecord, sessionId: string): Promise<SessionRecord> {
    const s = await this.ctx.store.getSession(sessionId);
    if (!s || s.orgId !== viewer.orgId) fail("not_found", "No such coaching session.");
    if (!canMonitor(viewer) && s.agentId !== viewer.id && s.coachId !== viewer.id)
      fail("not_found", "No such coaching session.");
    return s;
  }

  /** The audit log (each session with its coaching notes): admins see every session of the org, others the sessions they took part in (and knew of). */
  async list(viewer: UserRecord, filter: Omit<SessionFilter, "orgId">): Promise<CoachingSession[]> {
    const f: SessionFilter = { ...filter, orgId: viewer.orgId };
    if (viewer.role === "agent") {
      if (filter.agentId && filter.agentId !== viewer.id) return [];
      f.agentId = viewer.id;
    } else if (viewer.role === "supervisor") {
      if (filter.coachId && filter.coachId !== viewer.id) return [];
      f.coachId = viewer.id;
    }
    // A session its agent never became aware of is not in their log either (agentMayKnow).
    const sessions = (await this.ctx.store.listSessions(f)).filter((s) => agentMayKnow(s, viewer.id));
    const ids = sessions.map((s) => s.id);
    const [events, users, calls, notes] = await Promise.all([
      this.ctx.store.listSessionEvents(ids),
      this.ctx.store.listUsers(viewer.orgId),
      Promise.all(sessions.map((s) => (s.endedAt ? undefined : this.ctx.store.getCall(s.callId)))),
      this.ctx.store.listNotes(ids),
    ]);
    const name = (id: string) => users.find((u) => u.id === id)?.name ?? "";
    const kept = presentNotes(notes, users);
    return sessions.map((s, i) => presentSession(s, name(s.coachId), calls[i] ?? null, events, kept));
  }
}
