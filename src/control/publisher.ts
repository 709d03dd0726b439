// The one publisher: every event of the WebSocket channel (ServerEvent, protocol/messages.ts)
// is built here by its one builder, with who receives it (its Audience); what one connection
// receives of it is delivery.ts viewFor()'s answer. Services call Publisher, never the bus
// (test: src/control/publisher.test.ts); who receives each kind is audiences.ts. docs/ARCHITECTURE.md has the table event → builder →
// audience.
import type { RevokeReason, ServerEvent } from "../protocol/messages.ts";
import type { Call, CallQuality, CoachingNote, CoachingSession, User } from "../protocol/resources.ts";
import type { LiveStats } from "../protocol/stats.ts";
import { audiences } from "./audiences.ts";
import { CallViews } from "./CallViews.ts";
import type { ControlContext } from "./context.ts";
import type { CallRecord, SessionRecord, UserRecord } from "./model.ts";
import type { Envelope, Store } from "./ports.ts";
import { presentSession } from "./presenter.ts";
import type { CallSituation } from "./routing.ts";
import type { Transition } from "./transition.ts";
import { UserStates } from "./UserStates.ts";

/** Each event type's one builder: the compiler wants exactly one per ServerEvent type. */
export const build = {
  hello: (user: User | null, callId?: string) => ({ type: "hello", user, callId }),
  "call.created": (call: Call) => ({ type: "call.created", call }),
  "call.updated": (call: Call) => ({ type: "call.updated", call }),
  "call.ended": (call: Call) => ({ type: "call.ended", call }),
  "call.quality": (callId: string, quality: CallQuality) => ({ type: "call.quality", callId, quality }),
  "user.updated": (user: User) => ({ type: "user.updated", user }),
  "user.deleted": (userId: string) => ({ type: "user.deleted", userId }),
  "coaching.started": (session: CoachingSession) => ({ type: "coaching.started", session }),
  "coaching.mode_changed": (session: CoachingSession) => ({ type: "coaching.mode_changed", session }),
  "coaching.ended": (session: CoachingSession) => ({ type: "coaching.ended", session }),
  "coaching.notify": (session: CoachingSession) => ({ type: "coaching.notify", session }),
  "coaching.message": (s: SessionRecord, text: string, at: string) => ({
    type: "coaching.message",
    sessionId: s.id,
    callId: s.callId,
    text,
    at,
  }),
  "coaching.note_added": ({ id, callId, agentId, agentAwareAt: at }: SessionRecord, note: CoachingNote) => ({
    type: "coaching.note_added",
    session: { id, callId, agentId, agentAwareAt: at?.toISOString() ?? null },
    note,
  }),
  "hand.raised": (call: Call) => ({ type: "hand.raised", call }),
  "hand.lowered": (call: Call) => ({ type: "hand.lowered", call }),
  "auth.revoked": (reason: RevokeReason) => ({ type: "auth.revoked", reason }),
  "stats.updated": (stats: LiveStats) => ({ type: "stats.updated", stats }),
  "numbers.changed": (numberId: string) => ({ type: "numbers.changed", numberId }),
} satisfies { [K in ServerEvent["type"]]: (...args: never[]) => Extract<ServerEvent, { type: K }> };

/** Events built under a call's lock, sent after the commit (send()), in their order. */
export interface Told {
  envelopes: Envelope[];
  /** The call as told (null: the change told nothing of the call). */
  call: Call | null;
  /** The session as told, when the change ended one. */
  session: CoachingSession | null;
}

export class Publisher {
  private readonly views: CallViews;
  private readonly states: UserStates;

  constructor(
    private readonly ctx: Pick<
      ControlContext,
      "bus" | "store" | "quality" | "now" | "settings" | "board" | "log"
    >,
  ) {
    this.views = new CallViews(ctx);
    this.states = new UserStates(ctx, (user, inMs) => this.tellWrapUpEnd(user, inMs));
  }

  /**
   * The events of a transition's changes (its domain events), read from `tx`: built under the
   * call's lock and sent right after the commit, concurrent changes of a call are told in the
   * order they were made.
   */
  async tell(t: Transition, tx: Store): Promise<Told> {
    const told: Told = { envelopes: [], call: null, session: null };
    if (t.changes.length === 0) return told;
    this.ctx.board?.changed(t.after.orgId);
    const coachId = (t.session ?? t.endedSession)?.coachId ?? null;
    const [call, lineUserIds] = await Promise.all([
      this.views.presentOne(t.after, null, tx),
      this.lineOf(t.after, tx),
    ]);
    told.call = call;
    for (const change of t.changes) {
      if (change.kind === "call") {
        const event = build[change.ended ? "call.ended" : "call.updated"](call);
        told.envelopes.push({ audience: audiences.call(t.after, coachId, t.before), event, lineUserIds });
      } else if (change.kind === "hand") {
        const event = build[change.raised ? "hand.raised" : "hand.lowered"](call);
        told.envelopes.push({ audience: audiences.hand(t.after, coachId), event, lineUserIds });
      } else if (change.kind === "session_ended") {
        told.session = await this.presentSession(change.session, tx);
        told.envelopes.push(this.sessionEnvelope("coaching.ended", change.session, told.session));
        told.envelopes.push(...(await this.userEnvelope(change.session.coachId, tx)));
      } else {
        told.envelopes.push(...(await this.userEnvelope(change.userId, tx)));
      }
    }
    return told;
  }

  /** Sends events built earlier, in order. */
  send(told: Told): void {
    for (const e of told.envelopes) this.ctx.bus.publish(e);
  }

  /** The call's resource as events carry it (no viewer's permission in it). */
  present(call: CallRecord): Promise<Call> {
    return this.views.presentOne(call, null);
  }

  /** A new call, told at once (nobody else can change it before its creator returns it). */
  async callCreated(call: CallRecord): Promise<void> {
    const [dto, lineUserIds] = await Promise.all([this.views.presentOne(call, null), this.lineOf(call)]);
    this.ctx.bus.publish({
      audience: audiences.call(call, null),
      event: build["call.created"](dto),
      lineUserIds,
    });
    this.ctx.board?.changed(call.orgId);
    for (const id of call.ringingUserIds) await this.userStateOf(id);
  }

  /** The live board's figures to the org's monitors. */
  statsUpdated(stats: LiveStats): void {
    this.ctx.bus.publish({ audience: audiences.board(stats.orgId), event: build["stats.updated"](stats) });
  }

  /** user.updated for `userId`, read now (a state that changed without a change of theirs). */
  async userStateOf(userId: string): Promise<void> {
    for (const e of await this.userEnvelope(userId, this.ctx.store)) this.ctx.bus.publish(e);
  }

  /** The user's state (availability, live call, coaching, agent state) to their org. */
  async userState(user: UserRecord): Promise<User> {
    const dto = await this.presentUserState(user);
    this.ctx.bus.publish(await this.userUpdated(user.orgId, dto, this.ctx.store));
    return dto;
  }

  /** The User resource of `user`, with their activity and agent state read from `store`. */
  presentUserState(user: UserRecord, store: Store = this.ctx.store): Promise<User> {
    return this.states.present(user, store);
  }

  /** The org's users as presentUserState has them, as `viewerId` sees them (GET /users). */
  presentUserStates(users: UserRecord[], orgId: string, viewerId: string): Promise<User[]> {
    return this.states.presentAll(users, orgId, viewerId);
  }

  /** Wrap-up ends without a change of the user's: tell their state when it does (this process). */
  private tellWrapUpEnd(user: UserRecord, inMs: number): void {
    const timer = setTimeout(() => {
      this.userStateOf(user.id).catch((err: unknown) => {
        this.ctx.log.warn({ err, userId: user.id }, "could not tell the end of a wrap-up");
      });
    }, Math.max(0, inMs) + 5);
    timer.unref?.();
  }

  /** The line distribution of the call's number: with the resource, all its grants read (delivery.ts). */
  private async lineOf(call: CallRecord, store: Store = this.ctx.store): Promise<string[]> {
    return (await store.getNumber(call.numberId))?.userIds ?? [];
  }

  /** user.updated for `userId` (none for a user deleted meanwhile). */
  private async userEnvelope(userId: string, store: Store): Promise<Envelope[]> {
    const user = await store.getUser(userId);
    if (!user) return [];
    return [await this.userUpdated(user.orgId, await this.presentUserState(user, store), store)];
  }

  /** user.updated to the org; a coach's carries their session's agent and awareness (delivery.ts). */
  private async userUpdated(orgId: string, dto: User, store: Store): Promise<Envelope> {
    const envelope: Envelope = { audience: audiences.org(orgId), event: build["user.updated"](dto) };
    const session = dto.coachingSessionId ? await store.getSession(dto.coachingSessionId) : undefined;
    if (session)
      envelope.coaching = {
        agentId: session.agentId,
        agentAwareAt: session.agentAwareAt?.toISOString() ?? null,
      };
    return envelope;
  }

  /** Joined: the session to monitors, agent and coach; the agent notified if asked or the coach starts audible; the coach unavailable. */
  async sessionStarted(
    session: SessionRecord,
    coach: UserRecord,
    call: CallSituation,
    callTold: Told,
  ): Promise<CoachingSession> {
    const dto = presentSession(session, coach.name, call);
    this.ctx.bus.publish(this.sessionEnvelope("coaching.started", session, dto));
    if (session.agentAwareAt) this.notifyAgent(session, dto);
    // The call's change (built under its lock) goes before anything awaits: a hang-up committed
    // right after must not be told before it.
    this.send(callTold);
    await this.userState({ ...coach, availability: "unavailable" });
    return dto;
  }

  /** The coach switched (or was demoted): told to the session's audience; the agent notified when first audible. */
  async sessionModeChanged(session: SessionRecord, firstAudible: boolean): Promise<CoachingSession> {
    const dto = await this.presentSession(session);
    this.ctx.bus.publish(this.sessionEnvelope("coaching.mode_changed", session, dto));
    if (firstAudible) {
      this.notifyAgent(session, dto);
      await this.userStateOf(session.coachId); // the agent sees the coach's state from now on
    }
    return dto;
  }

  /** A live call's leg quality, measured on the node that owns its media (CallQualityFeed). */
  quality(call: CallRecord, quality: CallQuality): void {
    this.ctx.bus.publish({
      audience: audiences.quality(call),
      event: build["call.quality"](call.id, quality),
    });
  }

  /** A text whisper. */
  whisper(s: SessionRecord, text: string, at: string): void {
    this.ctx.bus.publish({ audience: audiences.whisper(s), event: build["coaching.message"](s, text, at) });
  }

  /** A new coaching note, so that open history pages show it. */
  noteAdded(s: SessionRecord, note: CoachingNote): void {
    this.ctx.bus.publish({ audience: audiences.note(s), event: build["coaching.note_added"](s, note) });
  }

  /** The user is gone: the org's lists drop them. */
  userDeleted(user: Pick<UserRecord, "id" | "orgId">): void {
    this.ctx.bus.publish({ audience: audiences.org(user.orgId), event: build["user.deleted"](user.id) });
  }

  /** A number was added, changed or removed: everyone's grants on its calls may have changed. */
  numbersChanged(orgId: string, numberId: string): void {
    this.ctx.bus.publish({ audience: audiences.org(orgId), event: build["numbers.changed"](numberId) });
  }

  /** The sockets of `user`'s revoked tokens close (on every node). */
  revoked(
    user: Pick<UserRecord, "id" | "orgId">,
    reason: RevokeReason,
    only: { tokenHash?: string; exceptTokenHash?: string },
  ): void {
    this.ctx.bus.publish({ audience: audiences.tokens(user, only), event: build["auth.revoked"](reason) });
  }

  private notifyAgent(s: SessionRecord, dto: CoachingSession): void {
    this.ctx.bus.publish({ audience: audiences.agent(s), event: build["coaching.notify"](dto) });
  }

  private sessionEnvelope(
    event: "coaching.started" | "coaching.mode_changed" | "coaching.ended",
    s: SessionRecord,
    dto: CoachingSession,
  ): Envelope {
    return { audience: audiences.session(s), event: build[event](dto) };
  }

  private async presentSession(s: SessionRecord, store: Store = this.ctx.store): Promise<CoachingSession> {
    const [coach, events, call] = await Promise.all([
      store.getUser(s.coachId),
      store.listSessionEvents([s.id]),
      store.getCall(s.callId),
    ]);
    return presentSession(s, coach?.name ?? "", call ?? null, events);
  }
}
