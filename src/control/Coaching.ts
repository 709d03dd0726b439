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
import { callFacts, coachFacts, presentSession, presentUser } from "./presenter.ts";
import { computeRouting } from "./routing.ts";
import { publishUserState } from "./userEvents.ts";

export interface StartOptions {
  notifyUser: boolean;
  openConversation: boolean;
}

export class Coaching {
  private readonly views: CallViews;

  constructor(private readonly ctx: ControlContext) {
    this.views = new CallViews(ctx);
  }

  async start(coach: UserRecord, callId: string, opts: StartOptions): Promise<CoachingSession> {
    let started: { session: SessionRecord; call: CallRecord };
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
    const dto = presentSession(session, coach.name);
    this.ctx.bus.publish({
      audience: this.audience(session),
      event: { type: "coaching.started", session: dto },
    });
    if (session.notifyUser) this.notifyAgent(session, dto);
    if (call.handRaised) {
      await this.ctx.store.updateCall(call.id, { handRaised: false });
      const lowered = await this.views.presentOne({ ...call, handRaised: false }, null);
      this.ctx.bus.publish({
        audience: callAudience(call, session.coachId),
        event: { type: "hand.lowered", call: lowered },
      });
    }
    await this.views.publish({ ...call, handRaised: false }, "call.updated");
    // The coach is on no call (the policy checked it) and now unavailable.
    this.ctx.bus.publish({
      audience: { orgId: coach.orgId, everyone: true },
      event: {
        type: "user.updated",
        user: presentUser({ ...coach, availability: "unavailable" }, null, session.id),
      },
    });
    return dto;
  }

  private async insertSession(
    tx: Store,
    coach: UserRecord,
    callId: string,
    opts: StartOptions,
  ): Promise<{ session: SessionRecord; call: CallRecord }> {
    const call = await tx.lockCall(callId);
    if (!call || call.orgId !== coach.orgId) fail("not_found", "No such call.");
    const refusal = await this.refusalFor(tx, coach, call);
    if (refusal) fail(refusal);
    if (call.agentId === null) fail("call_not_live");
    const now = this.ctx.now();
    const fresh = (await tx.getUser(coach.id)) ?? coach;
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
      coachPrevAvailability: fresh.availability,
      agentAwareAt: opts.notifyUser ? now : null,
      endedAt: null,
      endReason: null,
    };
    await tx.insertSession(session);
    await tx.updateUser(coach.id, { availability: "unavailable" });
    await tx.insertSessionEvent({ sessionId: session.id, kind: "started", detail: "listen" });
    return { session: (await tx.getSession(session.id)) as SessionRecord, call };
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

  async setMode(viewer: UserRecord, sessionId: string, mode: CoachingMode): Promise<CoachingSession> {
    const session = await this.get(viewer, sessionId);
    if (session.coachId !== viewer.id)
      fail("forbidden", "Only the coach of this session can switch its mode.");
    const change = changeMode(
      {
        ...session,
        endedAt: session.endedAt?.toISOString() ?? null,
        agentAwareAt: session.agentAwareAt?.toISOString() ?? null,
      },
      mode,
      canBarge(viewer),
    );
    const agentAwareAt = change.firstAudible ? this.ctx.now() : session.agentAwareAt;
    const updated: SessionRecord = { ...session, mode, modesUsed: change.modesUsed, agentAwareAt };
    // The switch first, the record after: the coach hears a permitted change as soon as the
    // forwarder can apply it (one packet time); a failed write puts the previous routing back.
    const call = await this.ctx.store.getCall(session.callId);
    if (call) this.applyRouting(call, updated);
    try {
      await this.ctx.store.transaction(async (tx) => {
        await tx.updateSession(sessionId, { mode, modesUsed: change.modesUsed, agentAwareAt });
        await tx.insertSessionEvent({ sessionId, kind: "mode_changed", detail: mode });
      });
    } catch (error) {
      if (call) this.applyRouting(call, session);
      throw error;
    }
    const dto = await this.present(updated);
    this.ctx.bus.publish({
      audience: this.audience(updated),
      event: { type: "coaching.mode_changed", session: dto },
    });
    if (change.firstAudible) this.notifyAgent(updated, dto);
    return dto;
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
    return (await this.end(session, reason)) as CoachingSession;
  }

  /** Ends the call's active session, if any, with `reason` (the call ended or became uncoachable). */
  async endForCall(call: CallRecord, reason: CoachingEndReason): Promise<void> {
    const session = await this.ctx.store.activeSessionOfCall(call.id);
    if (session) await this.end(session, reason);
  }

  private async end(session: SessionRecord, reason: CoachingEndReason): Promise<CoachingSession | null> {
    const endedAt = this.ctx.now();
    const ended = await this.ctx.store.transaction(async (tx) => {
      const current = await tx.getSession(session.id);
      if (!current || current.endedAt) return null; // someone else ended it first
      await tx.updateSession(session.id, { endedAt, endReason: reason });
      await tx.updateUser(session.coachId, { availability: current.coachPrevAvailability });
      await tx.insertSessionEvent({ sessionId: session.id, kind: "ended", detail: reason });
      return { ...current, endedAt, endReason: reason };
    });
    if (!ended) return null;
    const call = await this.ctx.store.getCall(session.callId);
    if (call) this.applyRouting(call, null);
    this.ctx.media?.detach(session.callId, "coach", reason);
    const dto = await this.present(ended);
    this.ctx.bus.publish({ audience: this.audience(ended), event: { type: "coaching.ended", session: dto } });
    if (call) await this.views.publish(call, call.state === "ended" ? "call.ended" : "call.updated");
    await this.publishUser(session.coachId);
    return dto;
  }

  async sendMessage(
    viewer: UserRecord,
    sessionId: string,
    text: string,
  ): Promise<{ at: string; text: string }> {
    const session = await this.get(viewer, sessionId);
    if (session.coachId !== viewer.id) fail("forbidden", "Only the coach can send text whispers.");
    if (session.endedAt) fail("session_ended");
    await this.ctx.store.insertSessionEvent({ sessionId, kind: "message", detail: text });
    const at = this.ctx.now().toISOString();
    this.ctx.bus.publish({
      audience: { orgId: session.orgId, userIds: [session.agentId, session.coachId] },
      event: { type: "coaching.message", sessionId, callId: session.callId, text, at },
    });
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

  private notifyAgent(session: SessionRecord, dto: CoachingSession): void {
    this.ctx.bus.publish({
      audience: { orgId: session.orgId, userIds: [session.agentId] },
      event: { type: "coaching.notify", session: dto },
    });
  }

  private audience(s: SessionRecord) {
    return { orgId: s.orgId, monitors: true, userIds: [s.agentId, s.coachId] };
  }

  private async present(s: SessionRecord): Promise<CoachingSession> {
    const [coach, events] = await Promise.all([
      this.ctx.store.getUser(s.coachId),
      this.ctx.store.listSessionEvents([s.id]),
    ]);
    return presentSession(s, coach?.name ?? "", events);
  }

  private async publishUser(userId: string): Promise<void> {
    await publishUserState(this.ctx, userId);
  }
}
