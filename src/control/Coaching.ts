// Coaching sessions (SPEC §3): start, switch mode, leave, text whisper, audit. The rules
// are the policy's; "one coach per call" and "one call per coach" also hold in the
// database itself (unique indexes), so they hold across tabs and server nodes.
import type { CoachingEndReason, CoachingMode, CoachingSession } from "../protocol/resources.ts";
import { CallViews, callAudience } from "./CallViews.ts";
import { changeMode } from "./coachingMachine.ts";
import type { ControlContext } from "./context.ts";
import { EarshotError, fail } from "./errors.ts";
import type { CallRecord, SessionFilter, SessionRecord, UserRecord } from "./model.ts";
import { canBarge, canMonitor, canStartCoaching } from "./policy.ts";
import { type Store, UniqueViolation } from "./ports.ts";
import { callFacts, coachFacts, presentSession } from "./presenter.ts";
import { computeRouting } from "./routing.ts";
import { SessionEvents } from "./SessionEvents.ts";
import {
  changeModeIn,
  endSessionIn,
  type ModeChanged,
  mayKeepCoaching,
  type ReviewOutcome,
} from "./sessionChanges.ts";

export interface StartOptions {
  notifyUser: boolean;
  openConversation: boolean;
}

export class Coaching {
  private readonly views: CallViews;
  readonly events: SessionEvents;

  constructor(private readonly ctx: ControlContext) {
    this.views = new CallViews(ctx);
    this.events = new SessionEvents(ctx);
  }

  async start(coach: UserRecord, callId: string, opts: StartOptions): Promise<CoachingSession> {
    let started: { session: SessionRecord; call: CallRecord; coach: UserRecord };
    try {
      started = await this.ctx.store.transaction((tx) => this.insertSession(tx, coach, callId, opts));
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
    this.ctx.media?.releaseUnlessOwner(call.id, "coach", session.coachId);
    this.applyRouting(call, session);
    const dto = this.events.started(session, started.coach);
    if (call.handRaised) {
      const lowered = await this.views.presentOne({ ...call, handRaised: false }, null);
      this.ctx.bus.publish({
        audience: callAudience(call, session.coachId),
        event: { type: "hand.lowered", call: lowered },
      });
    }
    await this.views.publish({ ...call, handRaised: false }, "call.updated");
    return dto;
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
    const refusal = await this.refusalFor(tx, coach, call);
    if (refusal) fail(refusal);
    if (call.agentId === null) fail("call_not_live");
    const now = this.ctx.now();
    const session: Omit<SessionRecord, "startedAt"> = {
      id: this.ctx.newId(),
      orgId: coach.orgId,
      callId,
      coachId: coach.id,
      agentId: call.agentId,
      mode: "listen",
      modesUsed: ["listen"],
      notifyUser: opts.notifyUser,
      openConversation:
        opts.openConversation && (await tx.getNumber(call.numberId))?.userIds.includes(coach.id) === true,
      coachPrevAvailability: coach.availability,
      agentAwareAt: opts.notifyUser ? now : null,
      endedAt: null,
      endReason: null,
    };
    await tx.insertSession(session);
    await tx.updateUser(coach.id, { availability: "unavailable" });
    await tx.insertSessionEvent({ sessionId: session.id, kind: "started", detail: "listen" });
    if (call.handRaised) await tx.updateCall(call.id, { handRaised: false });
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
    return this.refusalFor(this.ctx.store, coach, call);
  }

  private async refusalFor(store: Store, coach: UserRecord, call: CallRecord) {
    const [number, live, mine, active] = await Promise.all([
      store.getNumber(call.numberId),
      store.liveCallOfAgent(coach.id),
      store.activeSessionOfCoach(coach.id),
      store.activeSessionOfCall(call.id),
    ]);
    const answer = canStartCoaching(
      coachFacts(coach, live?.id ?? null, mine?.callId ?? null),
      callFacts(call, number?.userIds ?? [], active?.coachId ?? null),
    );
    return answer.allowed ? null : answer.code;
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
    this.applyRouting(call, { mode });
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
      await this.reapplyRouting(session.callId);
      throw error;
    }
    return this.events.modeChanged(changed.session, changed.firstAudible);
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

  /** Ends the session (or the call's active one) under the call's lock, then settles it. Null: ended already. */
  private async end(
    callId: string,
    sessionId: string | null,
    reason: CoachingEndReason,
  ): Promise<CoachingSession | null> {
    const ended = await this.ctx.store.transaction(async (tx) => {
      const call = await tx.lockCall(callId);
      const id = sessionId ?? (await tx.activeSessionOfCall(callId))?.id;
      const done = call && id ? await endSessionIn(tx, id, reason, this.ctx.now()) : null;
      return done && call ? { session: done, call } : null;
    });
    return ended && this.settleEnded(ended.session, ended.call);
  }

  /**
   * After a session's end committed (the coach left or lost the permission): the coach's leg
   * detached, the call's routing without a coach, everyone told.
   */
  async settleEnded(session: SessionRecord, call: CallRecord): Promise<CoachingSession> {
    this.releaseCoach(session);
    this.applyRouting(call, null);
    return this.announceEnded(session, call);
  }

  private async announceEnded(session: SessionRecord, call: CallRecord): Promise<CoachingSession> {
    const dto = await this.events.ended(session);
    await this.views.publish(call, "call.updated");
    return dto;
  }

  /** After a permission review committed: each demoted session's routing, each ended session settled. */
  async settleReview(outcomes: ReviewOutcome[]): Promise<void> {
    // Every routing first, so that nobody hears a coach the change took away while events go out.
    for (const o of outcomes) {
      if (o.kind === "ended") this.releaseCoach(o.session);
      this.applyRouting(o.call, o.kind === "ended" ? null : o.session);
    }
    for (const o of outcomes) {
      if (o.kind === "demoted") await this.events.modeChanged(o.session, o.firstAudible);
      else await this.announceEnded(o.session, o.call);
    }
  }

  /** The coach's media leg leaves the call (the browser gets media.closed). */
  releaseCoach(session: SessionRecord): void {
    this.ctx.media?.detach(session.callId, "coach", session.endReason ?? "ended");
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
    await this.ctx.store.insertSessionEvent({ sessionId, kind: "message", detail: text });
    const at = this.ctx.now().toISOString();
    this.events.message(session, text, at);
    return { at, text };
  }

  async get(viewer: UserRecord, sessionId: string): Promise<SessionRecord> {
    const s = await this.ctx.store.getSession(sessionId);
    if (!s || s.orgId !== viewer.orgId) fail("not_found", "No such coaching session.");
    if (!canMonitor(viewer) && s.agentId !== viewer.id && s.coachId !== viewer.id)
      fail("not_found", "No such coaching session.");
    return s;
  }

  /** The audit log: admins see every session of the org, others the sessions they took part in. */
  async list(viewer: UserRecord, filter: Omit<SessionFilter, "orgId">): Promise<CoachingSession[]> {
    const f: SessionFilter = { ...filter, orgId: viewer.orgId };
    if (viewer.role === "agent") {
      if (filter.agentId && filter.agentId !== viewer.id) return [];
      f.agentId = viewer.id;
    } else if (viewer.role === "supervisor") {
      if (filter.coachId && filter.coachId !== viewer.id) return [];
      f.coachId = viewer.id;
    }
    const sessions = await this.ctx.store.listSessions(f);
    const [events, users] = await Promise.all([
      this.ctx.store.listSessionEvents(sessions.map((s) => s.id)),
      this.ctx.store.listUsers(viewer.orgId),
    ]);
    return sessions.map((s) => presentSession(s, users.find((u) => u.id === s.coachId)?.name ?? "", events));
  }

  /** The routing of what the database holds for the call now. */
  private async reapplyRouting(callId: string): Promise<void> {
    const [call, session] = await Promise.all([
      this.ctx.store.getCall(callId),
      this.ctx.store.activeSessionOfCall(callId),
    ]);
    if (call) this.applyRouting(call, session ?? null);
  }

  /** Applies the routing of `call` with `session` (or none) to the media plane. */
  applyRouting(call: CallRecord, session: Pick<SessionRecord, "mode"> | null): void {
    this.ctx.media?.applyRouting(
      call.id,
      computeRouting({
        callState: call.state,
        agentMuted: call.agentMuted,
        coachMode: session?.mode ?? null,
        conference: call.conference,
      }),
    );
  }
}
