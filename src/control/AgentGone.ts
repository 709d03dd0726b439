// An agent whose softphone disappears leaves no ghost call (SPEC §2): every tab of theirs gone
// past a short grace (a reload reconnects within it), or their audio leg lost past the media
// plane's reconnection grace, and a connected inbound call waits in its number's queue again
// (the customer hears hold music; a coaching session on it ends with "agent_disconnected"; a
// conference's third party is dropped, their leg ended, and the next agent gets a two-party call).
// A call that cannot wait in a queue (outbound) ends with "connection_lost".
// The state is the database's (users.offline_since, user_presence), so a timer on the node
// where the last socket closed, or any node's sweep, acts on it (docs/ARCHITECTURE.md "Queues").
import { isLive } from "../protocol/calls.ts";
import type { CallTransitions } from "./CallTransitions.ts";
import type { ControlContext } from "./context.ts";
import type { CallRecord } from "./model.ts";
import type { Store } from "./ports.ts";
import { RingTimers } from "./RingTimers.ts";

/** How long an agent may be without any socket before their call goes back to the queue. */
export const DEFAULT_AGENT_GRACE_MS = 10_000;

/** The call waits in its queue again when its agent goes: a connected inbound call (a conference's third party goes). */
export const requeueable = (c: CallRecord): boolean =>
  isLive(c.state) && c.direction === "inbound" && !c.externalTransfer;

export class AgentGone {
  /** This node's grace timers, one per user whose last socket closed here. */
  private readonly timers = new RingTimers();
  private sweeper: NodeJS.Timeout | null = null;

  constructor(
    private readonly ctx: ControlContext,
    private readonly transitions: CallTransitions,
  ) {}

  private get graceMs(): number {
    return this.ctx.settings.agentGraceMs ?? DEFAULT_AGENT_GRACE_MS;
  }

  /** The user's last socket on every node closed: stamped, and their call looked at after the grace. */
  async wentOffline(userId: string): Promise<void> {
    await this.ctx.store.markOffline(userId, this.ctx.now());
    this.timers.arm(
      userId,
      this.graceMs,
      () => void this.sweep().catch(this.transitions.logged("agent gone")),
    );
  }

  /** A socket of the user opened again (within the grace, a reload: their call stays theirs). */
  async cameBack(userId: string): Promise<void> {
    this.timers.clear(userId);
    await this.ctx.store.markOffline(userId, null);
  }

  /** The agent's audio leg was lost past the media plane's grace (only the call's media node tells). */
  async audioLost(callId: string): Promise<void> {
    await this.leave(callId, () => true);
  }

  /** The calls of agents without a socket for longer than the grace go (the timers and the sweep). */
  async sweep(): Promise<void> {
    const before = new Date(this.ctx.now().getTime() - this.graceMs);
    // Checked again on the locked row: a socket that opened since keeps the call.
    for (const id of await this.ctx.store.callsOfAgentsOfflineSince(before))
      await this.leave(id, async (c, tx) => c.agentId !== null && !(await tx.isOnline(c.agentId)));
  }

  /** The call's agent is gone (`gone`, on the locked row): requeued, or ended if it cannot wait. */
  private async leave(callId: string, gone: (c: CallRecord, tx: Store) => Promise<boolean> | boolean) {
    const requeued = await this.transitions.runIf(
      callId,
      { type: "requeue" },
      { when: async (c, tx) => requeueable(c) && (await gone(c, tx)) },
    );
    if (requeued) return;
    await this.transitions.runIf(
      callId,
      { type: "end", reason: "connection_lost" },
      {
        when: async (c, tx) =>
          isLive(c.state) && !requeueable(c) && !c.externalTransfer && (await gone(c, tx)),
      },
    );
  }

  startSweep(everyMs: number): void {
    this.sweeper = setInterval(
      () => void this.sweep().catch(this.transitions.logged("agent sweep")),
      everyMs,
    );
    this.sweeper.unref();
  }

  close(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.timers.close();
  }
}
