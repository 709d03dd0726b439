// The one publisher of coaching events: each event's payload and audience, and what the
// coach and the agent are told when a session starts, switches or ends.
import type { CoachingSession } from "../protocol/resources.ts";
import type { ControlContext } from "./context.ts";
import type { SessionRecord, UserRecord } from "./model.ts";
import { presentSession, presentUser } from "./presenter.ts";
import { publishUserState } from "./userEvents.ts";

export class SessionEvents {
  constructor(private readonly ctx: ControlContext) {}

  /** Joined: the session to monitors, agent and coach; the agent notified if asked; the coach unavailable. */
  started(session: SessionRecord, coach: UserRecord): CoachingSession {
    const dto = presentSession(session, coach.name);
    this.ctx.bus.publish({ audience: audience(session), event: { type: "coaching.started", session: dto } });
    if (session.notifyUser) this.notify(session, dto);
    this.ctx.bus.publish({
      audience: { orgId: coach.orgId, everyone: true },
      event: {
        type: "user.updated",
        user: presentUser({ ...coach, availability: "unavailable" }, null, session.id),
      },
    });
    return dto;
  }

  async modeChanged(session: SessionRecord, firstAudible: boolean): Promise<CoachingSession> {
    const dto = await this.present(session);
    this.ctx.bus.publish({
      audience: audience(session),
      event: { type: "coaching.mode_changed", session: dto },
    });
    if (firstAudible) this.notify(session, dto);
    return dto;
  }

  /** Ended (the reason in the session): the coach is told why, and their availability is back. */
  async ended(session: SessionRecord): Promise<CoachingSession> {
    const dto = await this.present(session);
    this.ctx.bus.publish({ audience: audience(session), event: { type: "coaching.ended", session: dto } });
    await publishUserState(this.ctx, session.coachId);
    return dto;
  }

  message(session: SessionRecord, text: string, at: string): void {
    this.ctx.bus.publish({
      audience: { orgId: session.orgId, userIds: [session.agentId, session.coachId] },
      event: { type: "coaching.message", sessionId: session.id, callId: session.callId, text, at },
    });
  }

  async present(s: SessionRecord): Promise<CoachingSession> {
    const [coach, events] = await Promise.all([
      this.ctx.store.getUser(s.coachId),
      this.ctx.store.listSessionEvents([s.id]),
    ]);
    return presentSession(s, coach?.name ?? "", events);
  }

  private notify(session: SessionRecord, dto: CoachingSession): void {
    this.ctx.bus.publish({
      audience: { orgId: session.orgId, userIds: [session.agentId] },
      event: { type: "coaching.notify", session: dto },
    });
  }
}

function audience(s: SessionRecord) {
  return { orgId: s.orgId, monitors: true, userIds: [s.agentId, s.coachId] };
}
