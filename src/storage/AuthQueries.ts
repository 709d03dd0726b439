// The sign-in half of the Store: auth tokens and one-time set-up links, both stored as
// SHA-256 hashes (the database never holds a usable token).
import type { Kysely, Transaction } from "kysely";
import type { UserRecord } from "../control/model.ts";
import { userFromRow } from "./rows.ts";
import type { Database } from "./schema.ts";

export type Db = Kysely<Database> | Transaction<Database>;

export class AuthQueries {
  constructor(protected readonly db: Db) {}

  async insertToken(tokenHash: string, userId: string, expiresAt: Date): Promise<void> {
    await this.db
      .insertInto("auth_tokens")
      .values({ token_hash: tokenHash, user_id: userId, expires_at: expiresAt })
      .execute();
  }

  async userForToken(tokenHash: string, now: Date): Promise<UserRecord | undefined> {
    const r = await this.db
      .selectFrom("auth_tokens")
      .innerJoin("users", "users.id", "auth_tokens.user_id")
      .selectAll("users")
      .where("auth_tokens.token_hash", "=", tokenHash)
      .where("auth_tokens.expires_at", ">", now)
      .executeTakeFirst();
    return r && userFromRow(r);
  }

  async deleteToken(tokenHash: string): Promise<string | undefined> {
    const r = await this.db
      .deleteFrom("auth_tokens")
      .where("token_hash", "=", tokenHash)
      .returning("user_id")
      .executeTakeFirst();
    return r?.user_id;
  }

  async deleteTokensOfUser(userId: string, exceptTokenHash?: string): Promise<number> {
    let q = this.db.deleteFrom("auth_tokens").where("user_id", "=", userId);
    if (exceptTokenHash) q = q.where("token_hash", "<>", exceptTokenHash);
    const r = await q.executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async purgeExpiredTokens(now: Date): Promise<number> {
    const r = await this.db.deleteFrom("auth_tokens").where("expires_at", "<=", now).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async replaceSetupTokens(tokenHash: string | null): Promise<void> {
    await this.db.deleteFrom("setup_tokens").execute();
    if (tokenHash) await this.db.insertInto("setup_tokens").values({ token_hash: tokenHash }).execute();
  }

  async takeSetupToken(tokenHash: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom("setup_tokens")
      .where("token_hash", "=", tokenHash)
      .returning("token_hash")
      .executeTakeFirst();
    return r !== undefined;
  }
}
