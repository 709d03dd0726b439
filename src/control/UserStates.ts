// The User resource with the user's activity and agent state (agentState.ts): the facts read
// from the store, the state computed, stored when it changed (users.agent_state) so its start
// holds across events and nodes. Used by the publisher for every User it presents.
import type { User } from "../protocol/resources.ts";
import { type AgentFacts, agentState } from "./agentState.ts";
import type { AgentActivity } from "./boardFacts.ts";
import type { ControlContext } from "./context.ts";
import type { CallRecord, SessionRecord, UserRecord } from "./model.ts";
import { agentMayKnow, isAgentOnCall } from "./policy.ts";
import type { Store } from "./ports.ts";
import { coachSeenByUnaware, presentUser } from "./presenter.ts";

export class UserStates {
  constructor(
    private readonly ctx: Pick<ControlContext, "store" | "now" | "settings">,
    /** A user is in wrap-up: their state changes in `inMs` with nothing else to tell it. */
    private readonly wrapUpEnds: (user: UserRecord, inMs: number) => void,
  ) {}

  /**
   * The User resource of `user`, with their activity read from `store`, and their agent state
   * (agentState.ts; stored when it changed, so its start holds across events and nodes).
   */
  async present(user: UserRecord, store: Store = this.ctx.store): Promise<User> {
    const [call, session, [activity]] = await Promise.all([
      store.liveCallOfAgent(user.id),
      store.activeSessionOfCoach(user.id),
      store.agentActivity([user.id]),
    ]);
    return this.presentWith(user, call ?? null, session ?? null, activity, store);
  }

  /** The org's users as `viewerId` sees them, read in a few queries (GET /users). */
  async presentAll(users: UserRecord[], orgId: string, viewerId: string): Promise<User[]> {
    const { store } = this.ctx;
    const [calls, activity] = await Promise.all([
      store.listCalls(orgId, { unended: true, limit: 10_000 }),
      store.agentActivity(users.map((u) => u.id)),
    ]);
    const sessions = await store.activeSessionsOfCalls(calls.map((c) => c.id));
    return Promise.all(
      users.map(async (u) => {
        const session = sessions.find((x) => x.coachId === u.id) ?? null;
        const call = calls.find((c) => isAgentOnCall(c, u.id)) ?? null;
        const dto = await this.presentWith(
          u,
          call,
          session,
          activity.find((a) => a.userId === u.id),
          store,
        );
        return session && !agentMayKnow(session, viewerId) ? coachSeenByUnaware(dto) : dto;
      }),
    );
  }

  private async presentWith(
    user: UserRecord,
    call: CallRecord | null,
    session: SessionRecord | null,
    activity: AgentActivity | undefined,
    store: Store,
  ): Promise<User> {
    const facts: AgentFacts = {
      availability: user.availability,
      online: activity?.online ?? false,
      callState: call?.state ?? null,
      ringingSince: activity?.ringingSince ?? null,
      coachingSince: session?.startedAt ?? null,
      lastCallEndedAt: activity?.lastCallEndedAt ?? null,
    };
    const wrapUpMs = this.ctx.settings.wrapUpMs ?? 0;
    const now = this.ctx.now();
    const told = agentState(facts, activity?.told ?? null, now, wrapUpMs);
    if (told !== activity?.told) await store.recordAgentState(user.id, told);
    if (told.state === "wrap_up") this.wrapUpEnds(user, told.since.getTime() + wrapUpMs - now.getTime());
    return presentUser(user, call?.id ?? null, session?.id ?? null, told);
  }
}
