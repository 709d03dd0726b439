// The org's phone numbers and their line distribution (who rings, who may coach whom).
// A change to a distribution re-runs the supervision policy for the sessions it touches.
import { MAX_WAIT_S } from "../protocol/calls.ts";
import type { PhoneNumber } from "../protocol/resources.ts";
import type { Coaching } from "./Coaching.ts";
import type { ControlContext } from "./context.ts";
import { EarshotError, fail } from "./errors.ts";
import { requireAdmin } from "./grants.ts";
import type { NumberRecord, UserRecord } from "./model.ts";
import { UniqueViolation } from "./ports.ts";
import { Publisher } from "./publisher.ts";

export class Numbers {
  private readonly publisher: Publisher;

  constructor(
    private readonly ctx: ControlContext,
    /** Permissions bite at once: a distribution change re-runs the policy for its sessions. */
    private readonly coaching: Coaching,
  ) {
    this.publisher = new Publisher(ctx);
  }

  async list(viewer: UserRecord): Promise<PhoneNumber[]> {
    return this.ctx.store.listNumbers(viewer.orgId);
  }

  async get(viewer: UserRecord, id: string): Promise<NumberRecord> {
    const n = await this.ctx.store.getNumber(id);
    if (!n || n.orgId !== viewer.orgId) fail("not_found", "No such number.");
    return n;
  }

  async create(
    viewer: UserRecord,
    input: { name: string; e164: string; userIds: string[]; maxWaitS?: number },
  ): Promise<PhoneNumber> {
    requireAdmin(viewer);
    await this.checkOrgUsers(viewer, input.userIds);
    const n: NumberRecord = {
      id: this.ctx.newId(),
      orgId: viewer.orgId,
      ...input,
      maxWaitS: input.maxWaitS ?? MAX_WAIT_S.default,
    };
    await this.uniqueNumber(() => this.ctx.store.insertNumber(n));
    this.publisher.numbersChanged(viewer.orgId, n.id);
    return this.get(viewer, n.id);
  }

  async update(
    viewer: UserRecord,
    id: string,
    patch: Partial<{ name: string; e164: string; userIds: string[]; maxWaitS: number }>,
  ): Promise<PhoneNumber> {
    requireAdmin(viewer);
    await this.get(viewer, id);
    if (patch.userIds) await this.checkOrgUsers(viewer, patch.userIds);
    const outcomes = await this.uniqueNumber(() =>
      this.ctx.store.transaction(async (tx) => {
        await tx.updateNumber(id, patch);
        if (!patch.userIds) return [];
        // Every session on the number's calls, each call locked: a start in flight commits
        // first (and is reviewed here) or reads the new distribution.
        const calls = await tx.lockLiveCallsOfNumber(id);
        const sessions = await tx.activeSessionsOfCalls(calls.map((c) => c.id));
        return this.coaching.review(
          tx,
          sessions.map((x) => x.id),
        );
      }),
    );
    // The routing of every session the change touched, before the change is acknowledged.
    await this.coaching.settleReview(outcomes);
    this.publisher.numbersChanged(viewer.orgId, id);
    return this.get(viewer, id);
  }

  async delete(viewer: UserRecord, id: string): Promise<void> {
    requireAdmin(viewer);
    await this.get(viewer, id);
    const unended = await this.ctx.store.listCalls(viewer.orgId, { unended: true, limit: 10_000 });
    if (unended.some((c) => c.numberId === id)) fail("conflict", "That number has live calls.");
    try {
      await this.ctx.store.deleteNumber(id);
    } catch {
      fail("conflict", "That number has call history and cannot be deleted; rename it instead.");
    }
    this.publisher.numbersChanged(viewer.orgId, id);
  }

  private async checkOrgUsers(viewer: UserRecord, userIds: string[]): Promise<void> {
    const users = await this.ctx.store.listUsers(viewer.orgId);
    const unknown = userIds.filter((id) => !users.some((u) => u.id === id));
    if (unknown.length > 0)
      fail("validation_failed", `Unknown user ids in the line distribution: ${unknown.join(", ")}.`);
  }

  private async uniqueNumber<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (e) {
      if (e instanceof UniqueViolation)
        throw new EarshotError("conflict", "Another number already has that phone number.");
      throw e;
    }
  }
}
