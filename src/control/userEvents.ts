// Publishes a user's current state (availability, live call, coaching) to their org.
import type { User } from "../protocol/resources.ts";
import type { ControlContext } from "./context.ts";
import type { UserRecord } from "./model.ts";
import { presentUser } from "./presenter.ts";

export async function presentUserState(ctx: ControlContext, user: UserRecord): Promise<User> {
  const [call, session] = await Promise.all([
    ctx.store.liveCallOfAgent(user.id),
    ctx.store.activeSessionOfCoach(user.id),
  ]);
  return presentUser(user, call?.id ?? null, session?.id ?? null);
}

export async function publishUserState(
  ctx: ControlContext,
  userOrId: UserRecord | string,
): Promise<User | null> {
  const user = typeof userOrId === "string" ? await ctx.store.getUser(userOrId) : userOrId;
  if (!user) return null;
  const dto = await presentUserState(ctx, user);
  ctx.bus.publish({
    audience: { orgId: user.orgId, everyone: true },
    event: { type: "user.updated", user: dto },
  });
  return dto;
}
