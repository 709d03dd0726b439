// A transfer to another user rings them (SPEC §2; docs/ARCHITECTURE.md "Transfers"): the offer
// puts the customer on hold and rings the target; they accept (they become the call's agent,
// a coaching session of the agent who transferred ends with `transferred`) or decline, or it
// rings out after the ring timeout, or the agent cancels it — then the call returns to the
// agent, the outcome on the call (Call.transfer). Each step is one transition under the call's
// row lock; the state is the call's row, so any node may accept, decline or sweep. The ring
// timer lives on the node that made the offer; the sweep on every node is the safety net.
import { errorMessage } from "../protocol/errors.ts";
import type { Call } from "../protocol/resources.ts";
import { actOn } from "./CallActions.ts";
import type { CallTransitions } from "./CallTransitions.ts";
import type { CallAction, Refusal } from "./callMachine.ts";
import type { ControlContext } from "./context.ts";
import { fail } from "./errors.ts";
import { type CallActionKind, refuseIf } from "./grants.ts";
import type { UserRecord } from "./model.ts";
import type { Store } from "./ports.ts";
import type { RingTimers } from "./RingTimers.ts";
import type { TransitionGuard } from "./transition.ts";

/** What the rules read of the user a transfer would ring. */
export interface TargetFacts {
  availability: UserRecord["availability"];
  /** A socket of theirs is open on some node (they have a softphone to ring). */
  online: boolean;
  /** They are the agent of a live call, ring for a call or a transfer, or coach a call. */
  busy: boolean;
}

/** Why a transfer may not ring this user (null: it may): busy, then offline, then unavailable. */
export function transferTargetRefusal(t: TargetFacts): Refusal | null {
  const refuse = (code: Refusal["code"]) => ({ code, message: errorMessage(code) });
  if (t.busy) return refuse("user_busy");
  if (!t.online) return refuse("user_offline");
  if (t.availability !== "available") return refuse("user_unavailable");
  return null;
}

async function targetFacts(tx: Store, user: UserRecord): Promise<TargetFacts> {
  const [live, [activity], coaching] = await Promise.all([
    tx.liveCallOfAgent(user.id),
    tx.agentActivity([user.id]),
    tx.activeSessionOfCoach(user.id),
  ]);
  return {
    availability: user.availability,
    online: activity?.online ?? false,
    busy: !!live || !!activity?.ringingSince || !!coaching,
  };
}

export class Transfers {
  private sweeper: NodeJS.Timeout | null = null;

  constructor(
    private readonly ctx: ControlContext,
    private readonly transitions: CallTransitions,
    /** The transfers this node offered, one ring timer per call. */
    private readonly timers: RingTimers,
  ) {}

  /** Rings `toUserId` for the viewer's call; it rings out after the ring timeout. */
  async offer(viewer: UserRecord, callId: string, toUserId: string): Promise<Call> {
    const call = await this.act(
      viewer,
      callId,
      "transfer",
      { type: "transfer", toUserId },
      async (_c, tx) => {
        // Lock order call, then user: two transfers (or an offer of the queue) to the same user
        // run one after the other, and the second sees the first ringing.
        const target = await tx.lockUser(toUserId);
        if (!target || target.orgId !== viewer.orgId) fail("not_found", "No such user.");
        if (target.id === viewer.id) fail("conflict", "The call is already yours.");
        refuseIf(transferTargetRefusal(await targetFacts(tx, target)));
      },
    );
    const at = call.transfer?.at;
    this.timers.arm(callId, this.ctx.settings.ringTimeoutMs, () => {
      void this.ringOut(callId, at ? new Date(at) : this.ctx.now()).catch(
        this.transitions.logged("transfer ring timeout"),
      );
    });
    return call;
  }

  /** The user it rings takes the call. */
  accept(viewer: UserRecord, callId: string): Promise<Call> {
    return this.settle(viewer, callId, "acceptTransfer", { type: "transfer_accept" }, async (_c, tx) => {
      if (await tx.liveCallOfAgent(viewer.id)) fail("conflict", "You are already on a call.");
    });
  }

  /** The user it rings declines it: the call returns to its agent. */
  decline(viewer: UserRecord, callId: string): Promise<Call> {
    return this.settle(viewer, callId, "declineTransfer", { type: "transfer_return", outcome: "declined" });
  }

  /** The agent takes the call back before the transfer is answered. */
  cancel(viewer: UserRecord, callId: string): Promise<Call> {
    return this.settle(viewer, callId, "cancelTransfer", { type: "transfer_return", outcome: "cancelled" });
  }

  /** The safety net, every `everyMs`: transfers ringing past the ring timeout return (a lost timer). */
  startSweep(everyMs: number): void {
    this.sweeper = setInterval(
      () => void this.sweep().catch(this.transitions.logged("transfer sweep")),
      everyMs,
    );
    this.sweeper.unref();
  }

  async sweep(): Promise<void> {
    const before = new Date(this.ctx.now().getTime() - this.ctx.settings.ringTimeoutMs);
    for (const id of await this.ctx.store.overdueTransfers(before)) await this.ringOut(id, before);
  }

  close(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.timers.close();
  }

  /** Nobody answered the transfer offered at or before `offeredBy`: it returns to its agent. */
  private async ringOut(callId: string, offeredBy: Date): Promise<void> {
    await this.transitions.runIf(
      callId,
      { type: "transfer_return", outcome: "no_answer" },
      {
        when: (c) =>
          c.state !== "ended" &&
          c.transfer?.state === "ringing" &&
          c.transfer.at.getTime() <= offeredBy.getTime(),
      },
    );
  }

  private async settle(
    viewer: UserRecord,
    callId: string,
    kind: CallActionKind,
    action: CallAction,
    more?: TransitionGuard,
  ): Promise<Call> {
    const call = await this.act(viewer, callId, kind, action, more);
    this.timers.clear(callId);
    return call;
  }

  private act(
    viewer: UserRecord,
    callId: string,
    kind: CallActionKind,
    action: CallAction,
    more?: TransitionGuard,
  ): Promise<Call> {
    return actOn(this.transitions, viewer, callId, kind, action, more);
  }
}
