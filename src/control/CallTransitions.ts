// Runs a call's transitions and what follows each commit, once: the media plane's routing
// and legs, the trunk, and the events. Every action on a call goes through run().
import type { Call } from "../protocol/resources.ts";
import type { CallAudio } from "./CallAudio.ts";
import type { CallAction } from "./callMachine.ts";
import type { ControlContext } from "./context.ts";
import type { CallRecord } from "./model.ts";
import type { Store } from "./ports.ts";
import type { Publisher, Told } from "./publisher.ts";
import { type Transition, type TransitionGuard, type TransitionRules, transition } from "./transition.ts";

export interface Applied extends Transition {
  /** The call as told (or, when nothing changed, as it is). */
  dto: Call;
  told: Told;
}

/**
 * The transition inside the caller's transaction, with its events built under the lock; the
 * caller applies and sends them after its commit.
 */
export async function transitionIn(
  tx: Store,
  ctx: Pick<ControlContext, "now">,
  publisher: Publisher,
  callId: string,
  action: CallAction,
  rules: TransitionRules = {},
): Promise<(Transition & { told: Told }) | null> {
  const done = await transition(tx, callId, action, ctx.now(), rules);
  return done && { ...done, told: await publisher.tell(done, tx) };
}

/** What the queue learns from a committed change (Calls wires them to Queue). */
export interface QueueHooks {
  /** The call stopped ringing or waiting (answered or ended): its timers go. */
  stoppedRinging(callId: string): void;
  /** The call left its number's queue (answered or ended unanswered): the calls behind move up. */
  leftQueue(call: CallRecord): void;
  /** Users of the org may be free now (a call ended, was answered by another, or was handed on). */
  agentsFreed(orgId: string, afterCall: boolean): void;
  /** A connected call waits in its number's queue again (its agent's softphone disappeared). */
  requeued(call: CallRecord): void;
}

export class CallTransitions {
  constructor(
    private readonly ctx: ControlContext,
    private readonly audio: CallAudio,
    private readonly publisher: Publisher,
    private readonly hooks: QueueHooks,
  ) {}

  /**
   * Applies `action` to the call under its row lock (`guard` may refuse it on the locked row);
   * after the commit, applies the result and tells everyone once.
   */
  async run(callId: string, action: CallAction, guard?: TransitionGuard): Promise<Applied> {
    const applied = await this.runIf(callId, action, { guard });
    if (!applied) throw new Error("a transition without a condition was skipped");
    return applied;
  }

  /** As run(), skipped (null) unless the locked call satisfies `rules.when`. */
  async runIf(callId: string, action: CallAction, rules: TransitionRules): Promise<Applied | null> {
    const t = await this.ctx.store.transaction((tx) =>
      transitionIn(tx, this.ctx, this.publisher, callId, action, rules),
    );
    if (!t) return null;
    if (t.changes.length > 0) {
      this.apply(t, action);
      this.publisher.send(t.told);
    }
    return { ...t, dto: t.told.call ?? (await this.publisher.present(t.after)) };
  }

  /** The media plane and the trunk follow the committed change, in an order that never leaks. */
  private apply(t: Transition, action: CallAction): void {
    const { before, after } = t;
    const media = this.ctx.media;
    // A coach whose session ended leaves before the new routing (a conference's third party
    // takes the coach's position: no coach leg, a standby one included, may stay for it).
    if (t.endedSession) this.audio.releaseCoach(t.endedSession);
    this.tellQueue(t, action);
    switch (action.type) {
      case "end":
        this.ctx.trunk.hangup(before); // a far end that hung up is already gone from the trunk
        media?.closeCall(after.id, action.reason);
        return;
      case "answer":
        if (action.agentId) {
          if (after.customerChannel === "demo") media?.attachSynthetic(after.id, "customer");
          this.ctx.trunk.answered(after);
        }
        break;
      case "hold":
      case "resume":
        this.ctx.trunk.hold(after, action.type === "hold");
        break;
      case "transfer_accept":
        media?.detach(after.id, "agent", "transferred");
        if (after.state !== before.state) this.ctx.trunk.hold(after, false);
        break;
      case "transfer": // rings the target: the customer is on hold meanwhile
      case "transfer_return":
        if (after.state !== before.state) this.ctx.trunk.hold(after, after.state === "on_hold");
        break;
      case "transfer_external":
        media?.detach(after.id, "agent", "external_transfer");
        break;
      case "add_party":
        media?.detach(after.id, "coach", "conference");
        break;
      case "requeue":
        media?.detach(after.id, "agent", "agent_disconnected");
        // A conference's third party is dropped (ringing or answered): the customer waits alone.
        if (before.conference) {
          this.ctx.trunk.dropParty(before);
          media?.detach(after.id, "coach", "agent_disconnected");
        }
        // The trunk sends and receives again: the next agent hears the customer at once.
        if (before.state === "on_hold") this.ctx.trunk.hold(after, false);
        break;
    }
    this.audio.route(after, t.session);
    if (action.type === "transfer_external") this.ctx.trunk.transferExternal(after, action.to);
    if (action.type === "add_party") {
      // The trunk calls the number; once it answers, the routing lets everyone hear everyone.
      this.ctx.trunk.addParty(after, action.number, {
        answered: () => void this.thirdPartyAnswered(after.id).catch(this.logged("third party answered")),
        left: () => void this.thirdPartyLeft(after.id).catch(this.logged("third party left")),
      });
    }
  }

  private tellQueue({ before, after }: Transition, action: CallAction): void {
    const { type } = action;
    if (type === "requeue") {
      this.hooks.requeued(after);
      return;
    }
    const stopsRinging = type === "end" || type === "answer";
    if (!stopsRinging && type !== "transfer_accept" && type !== "transfer_return") return;
    if (stopsRinging) this.hooks.stoppedRinging(after.id);
    if (before.state === "ringing" && stopsRinging) this.hooks.leftQueue(before);
    const freed = before.ringingUserIds.filter((id) => id !== after.agentId);
    if (before.agentId && (type === "end" || before.agentId !== after.agentId)) freed.push(before.agentId);
    // The user a transfer rang is free again unless they took the call.
    const offered = before.transfer?.state === "ringing" ? before.transfer.toUserId : null;
    if (offered && offered !== after.agentId) freed.push(offered);
    if (freed.length > 0)
      this.hooks.agentsFreed(after.orgId, type !== "answer" && type !== "transfer_return");
  }

  /** The conference's third party answered: the routing lets everyone hear everyone. */
  async thirdPartyAnswered(callId: string): Promise<void> {
    const call = await this.ctx.store.getCall(callId);
    if (call && call.state !== "ended") this.audio.route(call, null);
  }

  /** The conference's third party hung up (or never answered): the call goes on without them. */
  async thirdPartyLeft(callId: string): Promise<void> {
    await this.runIf(callId, { type: "third_party_left" }, { when: (c) => c.state !== "ended" });
  }

  /** For work no request waits for: its failure goes to the log. */
  logged(what: string): (e: unknown) => void {
    return (err) => this.ctx.log.error({ err }, `${what}: failed`);
  }
}
