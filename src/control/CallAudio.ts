// The audio of a call: who hears whom, from the call and its coaching session
// (computeRouting), applied to the media plane; and the coach's leg, which always leaves
// before a routing without that coach is applied (docs/ARCHITECTURE.md "How a call's audio
// flows"). Every routing the control plane applies goes through here.
import type { ControlContext } from "./context.ts";
import type { CallRecord, SessionRecord } from "./model.ts";
import { routingOf } from "./routing.ts";

export class CallAudio {
  constructor(private readonly ctx: Pick<ControlContext, "media" | "store">) {}

  /** Applies the routing of `call` with `session` (or none) to the media plane. */
  route(call: CallRecord, session: Pick<SessionRecord, "mode"> | null): void {
    this.ctx.media?.applyRouting(call.id, routingOf(call, session?.mode ?? null));
  }

  /** A session started: a standby coach leg that is not its coach's goes, then its routing. */
  coachJoined(call: CallRecord, session: SessionRecord): void {
    this.ctx.media?.releaseUnlessOwner(call.id, "coach", session.coachId);
    this.route(call, session);
  }

  /** A session ended without the call: the coach's leg goes, then the routing without a coach. */
  coachLeft(call: CallRecord, session: SessionRecord): void {
    this.releaseCoach(session);
    this.route(call, null);
  }

  /** The coach's media leg leaves the call (the browser gets media.closed). */
  releaseCoach(session: SessionRecord): void {
    this.ctx.media?.detach(session.callId, "coach", session.endReason ?? "ended");
  }

  /** The routing of what the database holds for the call now (after a refused or failed change). */
  async reroute(callId: string): Promise<void> {
    const [call, session] = await Promise.all([
      this.ctx.store.getCall(callId),
      this.ctx.store.activeSessionOfCall(callId),
    ]);
    if (call) this.route(call, session ?? null);
  }
}
