// Ending signed-in sessions: the tokens go from the database, and an `auth.revoked` event
// (publisher.ts; on every node, with Redis, tells the WebSocket hub to close their sockets.
import type { RevokeReason } from "../protocol/messages.ts";
import type { ControlContext } from "./context.ts";
import type { UserRecord } from "./model.ts";
import { Publisher } from "./publisher.ts";

/** Revokes every token of `user` but `exceptTokenHash` and closes their sockets. */
export async function revokeUserTokens(
  ctx: ControlContext,
  user: Pick<UserRecord, "id" | "orgId">,
  reason: RevokeReason,
  exceptTokenHash?: string,
): Promise<void> {
  await ctx.store.deleteTokensOfUser(user.id, exceptTokenHash);
  new Publisher(ctx).revoked(user, reason, { exceptTokenHash });
}

/** Revokes one token and closes the sockets signed in with it. */
export async function revokeToken(
  ctx: ControlContext,
  user: Pick<UserRecord, "id" | "orgId">,
  tokenHash: string,
  reason: RevokeReason,
): Promise<void> {
  await ctx.store.deleteToken(tokenHash);
  new Publisher(ctx).revoked(user, reason, { tokenHash });
}
