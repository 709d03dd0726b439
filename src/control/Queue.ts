// A number's queue (SPEC §2, docs/ARCHITECTURE.md "Queues"): an inbound call waits in the
// database (state ringing, nobody rung, ordered by queuedAt) until the offer, one transaction
// with row locks on the waiting calls and the free agents (SKIP LOCKED), rings it. Offers run
// when a call enters, when an agent becomes free (availability, a call's end, an unanswered
// offer) and from a sweep, the safety net that also ends calls past the number's maximum wait.
import type { CallEndReason } from "../protocol/resources.ts";
import { type Applied, type CallTransitions, transitionIn } from "./CallTransitions.ts";
import type { ControlContext } from "./context.ts";
import type { CallRecord } from "./model.ts";
import type { Publisher } from "./publisher.ts";
import type { RingTimers } from "./RingTimers.ts";

/**
 * Who rings for which waiting call: the calls in queue order take the free agents in
 * longest-idle order, one each; agents left over ring for the head of the queue too, so a
 * lone caller rings everyone free (SPEC §2: the first to answer gets the call).
 */
export function pairOffers(callIds: string[], agentIds: string[]): [string, string[]][] {
  const pairs: [string, string[]][] = [];
  for (let i = 0; i < Math.min(callIds.length, agentIds.length); i++) pairs.push([callIds[i], [agentIds[i]]]);
  if (pairs.length > 0) pairs[0][1].push(...agentIds.slice(callIds.length));
  return pairs;
}

export class Queue {
  private sweeper: NodeJS.Timeout | null = null;

  constructor(
    private readonly ctx: ControlContext,
    private readonly transitions: CallTransitions,
    private readonly publisher: Publisher,
    private readonly ringTimers: RingTimers,
    /** The max-wait timers of calls that entered the queue on this node. */
    private readonly waitTimers: RingTimers,
    private readonly end: (callId: string, reason: CallEndReason) => Promise<boolean>,
  ) {}

  /** A new inbound call waits: its max-wait timer starts and it is offered at once if it can be. */
  async entered(call: CallRecord, maxWaitS: number): Promise<void> {
    this.waitTimers.arm(call.id, maxWaitS * 1000, () => {
      void this.end(call.id, "queue_timeout").catch(this.transitions.logged("queue timeout"));
    });
    await this.offer(call.numberId);
  }

  /** A connected call waits again (AgentGone.ts): as a new call, with the number's maximum wait. */
  async requeued(call: CallRecord): Promise<void> {
    const number = await this.ctx.store.getNumber(call.numberId);
    if (number) await this.entered(call, number.maxWaitS);
  }

  /** Offers the number's waiting calls to its free agents, in one transaction. */
  async offer(numberId: string): Promise<void> {
    const offered = await this.ctx.store.transaction(async (tx) => {
      const waiting = await tx.lockWaitingCalls(numberId);
      if (waiting.length === 0) return [];
      const wrapUpFrom = new Date(this.ctx.now().getTime() - (this.ctx.settings.wrapUpMs ?? 0));
      const free = await tx.lockFreeAgents(numberId, wrapUpFrom);
      const done = [];
      for (const [callId, userIds] of pairOffers(
        waiting.map((c) => c.id),
        free.map((u) => u.id),
      )) {
        const t = await transitionIn(tx, this.ctx, this.publisher, callId, { type: "offer", userIds });
        if (t) done.push(t);
      }
      return done;
    });
    for (const t of offered) {
      this.publisher.send(t.told);
      this.ringTimers.arm(t.after.id, this.ctx.settings.ringTimeoutMs, () => {
        void this.unanswered(t.after.id, numberId).catch(this.transitions.logged("ring timeout"));
      });
    }
  }

  /**
   * Agents of `orgId` may have become free: every number of the org with a waiting call is
   * offered, now and, after a call's end, again when the wrap-up is over.
   */
  async agentsFreed(orgId: string, afterCall = false): Promise<void> {
    const wrapUpMs = this.ctx.settings.wrapUpMs ?? 0;
    if (afterCall && wrapUpMs > 0)
      setTimeout(
        () => void this.agentsFreed(orgId).catch(this.transitions.logged("queue offer after wrap-up")),
        wrapUpMs,
      ).unref();
    for (const n of await this.ctx.store.waitingNumbers(orgId)) await this.offer(n.numberId);
  }

  /** A call left the queue (answered or ended): the calls behind it are told their new position. */
  async left(call: CallRecord): Promise<void> {
    if (call.direction !== "inbound" || !call.queuedAt) return;
    const behind = (await this.ctx.store.listCalls(call.orgId, { unended: true, limit: 10_000 })).filter(
      (c) => c.numberId === call.numberId && c.state === "ringing" && c.direction === "inbound",
    );
    for (const c of behind)
      await this.transitions.runIf(c.id, { type: "queue_moved" }, { when: (x) => x.state === "ringing" });
  }

  /** Nobody answered the offer in time: the call waits again and is offered anew (others first). */
  private async unanswered(callId: string, numberId: string): Promise<Applied | null> {
    const applied = await this.transitions.runIf(
      callId,
      { type: "unanswered" },
      { when: (c) => c.state === "ringing" && c.ringingUserIds.length > 0 },
    );
    await this.offer(numberId);
    return applied;
  }

  /** The safety net, every `everyMs`: calls past their maximum wait end, waiting calls are offered. */
  startSweep(everyMs: number): void {
    this.sweeper = setInterval(
      () => void this.sweep().catch(this.transitions.logged("queue sweep")),
      everyMs,
    );
    this.sweeper.unref();
  }

  async sweep(): Promise<void> {
    for (const id of await this.ctx.store.overdueWaitingCalls(this.ctx.now()))
      await this.end(id, "queue_timeout");
    for (const n of await this.ctx.store.waitingNumbers(null)) await this.offer(n.numberId);
  }

  close(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.waitTimers.close();
  }
}
