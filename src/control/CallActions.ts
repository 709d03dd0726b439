// What the agent (and, for some, an admin or a supervisor) does on a call (SPEC §2): hold,
// mute, transfer, conference, hang up, raise hand (notes are CallNotes). Each is one transition
// under the call's row lock; who may act is checked on the locked row.
import type { Call } from "../protocol/resources.ts";
import type { CallTransitions } from "./CallTransitions.ts";
import { assertVisible } from "./CallViews.ts";
import type { CallAction } from "./callMachine.ts";
import { fail } from "./errors.ts";
import type { UserRecord } from "./model.ts";
import type { TransitionGuard } from "./transition.ts";

export class CallActions {
  constructor(private readonly transitions: CallTransitions) {}

  hold(viewer: UserRecord, callId: string, onHold: boolean): Promise<Call> {
    return this.asAgent(viewer, callId, { type: onHold ? "hold" : "resume" });
  }

  mute(viewer: UserRecord, callId: string, muted: boolean): Promise<Call> {
    return this.asAgent(viewer, callId, { type: "mute", muted });
  }

  transferToUser(viewer: UserRecord, callId: string, toUserId: string): Promise<Call> {
    return this.asAgent(viewer, callId, { type: "transfer", toUserId }, async (_call, tx) => {
      const target = await tx.getUser(toUserId);
      if (!target || target.orgId !== viewer.orgId) fail("not_found", "No such user.");
      if (target.id === viewer.id) fail("conflict", "The call is already yours.");
      if (target.availability !== "available" || (await tx.liveCallOfAgent(target.id)))
        fail("user_unavailable");
    });
  }

  transferExternal(viewer: UserRecord, callId: string, to: string): Promise<Call> {
    return this.asAgent(viewer, callId, { type: "transfer_external", to });
  }

  /** Adds a third party: the call becomes a conference. */
  addParticipant(viewer: UserRecord, callId: string, number: string): Promise<Call> {
    return this.asAgent(viewer, callId, { type: "add_party", number });
  }

  /** Raise hand (SPEC §5): the agent asks for help; supervisors who may coach see it at once. */
  async raiseHand(viewer: UserRecord, callId: string, raised: boolean): Promise<Call> {
    return this.asAgent(viewer, callId, { type: "hand", raised });
  }

  async hangup(viewer: UserRecord, callId: string): Promise<Call> {
    const applied = await this.transitions.run(
      callId,
      { type: "end", reason: "hangup_agent" },
      async (call, tx) => {
        await assertVisible(viewer, call, tx);
        const isAgent = call.agentId === viewer.id;
        if (!isAgent && viewer.role !== "admin")
          fail("forbidden", "Only the call's agent or an admin can hang up.");
        if (!isAgent && call.state === "ringing")
          fail("forbidden", "Only the caller can cancel a ringing call.");
      },
    );
    return applied.dto;
  }

  /** An action of the call's agent, with `more` checks on the locked row. */
  private async asAgent(
    viewer: UserRecord,
    callId: string,
    action: CallAction,
    more?: TransitionGuard,
  ): Promise<Call> {
    const applied = await this.transitions.run(callId, action, async (call, tx) => {
      await assertVisible(viewer, call, tx);
      if (call.agentId !== viewer.id) fail("forbidden", "Only the call's agent can do this.");
      await more?.(call, tx);
    });
    return applied.dto;
  }
}
