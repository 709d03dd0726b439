// The calls aggregate's front door (SPEC §2). Every change to a call is a transition under its
// row lock (transition.ts, run by CallTransitions) that returns its domain events, told by the
// one publisher (publisher.ts); what a call's parties hear is CallAudio's. The parts, each in
// its file: a call's beginning and ringing (CallLifecycle, RingTimers), the agent's actions
// (CallActions), notes (CallNotes), calls of stopped nodes (NodeRecovery); reads here.
import type { Call, CallEndReason } from "../protocol/resources.ts";
import { AgentGone } from "./AgentGone.ts";
import { CallActions } from "./CallActions.ts";
import { CallAudio } from "./CallAudio.ts";
import { CallHistory } from "./CallHistory.ts";
import { CallLifecycle, type InboundCall } from "./CallLifecycle.ts";
import { CallNotes } from "./CallNotes.ts";
import { CallTransitions } from "./CallTransitions.ts";
import { CallViews, maySeeCall } from "./CallViews.ts";
import type { Coaching } from "./Coaching.ts";
import type { ControlContext } from "./context.ts";
import { fail } from "./errors.ts";
import type { CallRecord, UserRecord } from "./model.ts";
import { endCallsOfStoppedNodes } from "./NodeRecovery.ts";
import { canMonitor } from "./policy.ts";
import { Publisher } from "./publisher.ts";
import { Queue } from "./Queue.ts";
import { RingTimers } from "./RingTimers.ts";
import { Transfers } from "./Transfers.ts";

export class Calls {
  readonly views: CallViews;
  readonly transitions: CallTransitions;
  /** The agent's actions on a call. */
  readonly actions: CallActions;
  /** Tags and comments. */
  readonly notes: CallNotes;
  /** The call history, and the coaching notes left on its sessions. */
  readonly history: CallHistory;
  private readonly lifecycle: CallLifecycle;
  private readonly ringTimers: RingTimers;
  /** The numbers' queues: offers, their triggers and the sweep. */
  readonly queue: Queue;
  /** Transfers to a user: offer, accept, decline, cancel, ring-out (Transfers.ts). */
  readonly transfers: Transfers;
  /** Agents whose softphone disappeared: their calls go back to the queue. */
  readonly agentGone: AgentGone;

  constructor(
    private readonly ctx: ControlContext,
    private readonly coaching: Coaching,
  ) {
    const publisher = new Publisher(ctx);
    const audio = new CallAudio(ctx);
    this.views = new CallViews(ctx);
    this.ringTimers = new RingTimers();
    const waitTimers = new RingTimers();
    const later = (what: string, p: Promise<void>) => void p.catch(this.transitions.logged(what));
    this.transitions = new CallTransitions(ctx, audio, publisher, {
      stoppedRinging: (id) => {
        this.ringTimers.clear(id);
        waitTimers.clear(id);
      },
      leftQueue: (call) => later("queue moved", this.queue.left(call)),
      agentsFreed: (orgId, afterCall) => later("queue offer", this.queue.agentsFreed(orgId, afterCall)),
      requeued: (call) => later("requeue", this.queue.requeued(call)),
    });
    this.queue = new Queue(ctx, this.transitions, publisher, this.ringTimers, waitTimers, (id, reason) =>
      this.end(id, reason),
    );
    this.actions = new CallActions(this.transitions, ctx.settings);
    this.transfers = new Transfers(ctx, this.transitions, new RingTimers());
    this.agentGone = new AgentGone(ctx, this.transitions);
    this.notes = new CallNotes(ctx, this.transitions, this.views);
    this.history = new CallHistory(ctx, this.views, coaching, publisher);
    this.lifecycle = new CallLifecycle(ctx, this.transitions, publisher, audio, this.queue);
  }

  /** A customer calls a number: the call waits in the number's queue, which rings free agents. */
  inbound(input: InboundCall): Promise<CallRecord> {
    return this.lifecycle.inbound(input);
  }

  /** A user calls an external number from one of their numbers. */
  outbound(viewer: UserRecord, numberId: string, to: string): Promise<CallRecord> {
    return this.lifecycle.outbound(viewer, numberId, to);
  }

  answer(viewer: UserRecord, callId: string): Promise<Call> {
    return this.lifecycle.answer(viewer, callId);
  }

  /** The far end of an outbound call answered (a trunk event; in a cluster, relayed here). */
  farEndAnswered(callId: string): Promise<void> {
    return this.lifecycle.farEndAnswered(callId);
  }

  /** The conference's third party answered (a trunk event; in a cluster, relayed here). */
  thirdPartyAnswered(callId: string): Promise<void> {
    return this.transitions.thirdPartyAnswered(callId);
  }

  /** The conference's third party hung up or could not be reached: the call goes on without them. */
  thirdPartyLeft(callId: string): Promise<void> {
    return this.transitions.thirdPartyLeft(callId);
  }

  /** The far end (customer, trunk or widget) hung up; nothing if the call has ended already. */
  async farEndHangup(callId: string): Promise<void> {
    await this.end(callId, "hangup_customer");
  }

  /**
   * A party's audio leg lost its path and was not restored by an ICE restart within the media
   * plane's reconnection grace period: a customer without audio ends the call, a coach without
   * audio ends the session (both "connection_lost"), an agent's call goes back to its queue
   * (AgentGone). Only the node that carries the call's media calls this (once per lost leg).
   */
  async legLost(callId: string, party: "customer" | "agent" | "coach"): Promise<void> {
    if (party === "coach") await this.coaching.endOfCall(callId, "connection_lost");
    else if (party === "agent") await this.agentGone.audioLost(callId);
    else await this.end(callId, "connection_lost");
  }

  /** Ends the calls of stopped server processes (NodeRecovery). */
  endCallsOfStoppedNodes(
    alive: (nodeIds: string[]) => Promise<Set<string>>,
    unknownStopped: boolean,
  ): Promise<number> {
    return endCallsOfStoppedNodes(this.ctx, (id, reason) => this.end(id, reason), alive, unknownStopped);
  }

  /** Ends the call with `reason` unless it has ended already (trunk events, timers, recovery). */
  async end(callId: string, reason: CallEndReason): Promise<boolean> {
    const applied = await this.transitions.runIf(
      callId,
      { type: "end", reason },
      { when: (c) => c.state !== "ended" },
    );
    return applied !== null;
  }

  /** The calls not ended (ringing ones included) that `viewer` may see; ended ones are the history's. */
  async list(viewer: UserRecord): Promise<Call[]> {
    const calls = await this.ctx.store.listCalls(viewer.orgId, { unended: true, limit: 10_000 });
    const visible = canMonitor(viewer) ? calls : calls.filter((c) => maySeeCall(viewer, c, null));
    return this.views.present(visible, viewer);
  }

  async get(viewer: UserRecord, callId: string): Promise<Call> {
    return this.views.presentOne(await this.getForViewer(viewer, callId), viewer);
  }

  private async getForViewer(viewer: UserRecord, callId: string): Promise<CallRecord> {
    const call = await this.ctx.store.getCall(callId);
    const session = call ? await this.ctx.store.activeSessionOfCall(callId) : undefined;
    if (!call || !maySeeCall(viewer, call, session?.coachId ?? null)) fail("not_found", "No such call.");
    return call;
  }

  close(): void {
    this.ringTimers.close();
    this.queue.close();
    this.transfers.close();
    this.agentGone.close();
  }
}
