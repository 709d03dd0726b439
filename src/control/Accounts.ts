// A user's own account (password change, signing out here or everywhere) and the first
// start: the one-time set-up link that creates the organisation and its first admin, and
// the same from a shell (`npm run admin -- create-user`).
import { randomBytes } from "node:crypto";
import type { MonitoringAccess, Role, User } from "../protocol/resources.ts";
import type { ControlContext } from "./context.ts";
import { type Directory, hashToken } from "./Directory.ts";
import { fail } from "./errors.ts";
import type { UserRecord } from "./model.ts";
import { checkNewPassword } from "./passwordRules.ts";
import { hashPassword, verifyPassword } from "./passwords.ts";
import type { Store } from "./ports.ts";
import { revokeToken, revokeUserTokens } from "./revocation.ts";

export interface FirstUser {
  email: string;
  name: string;
  password: string;
  role: Role;
  /** Default: Live Monitoring+ for admins, Live Monitoring for supervisors, none for agents. */
  monitoringAccess?: MonitoringAccess;
  /** The organisation's name: found, or created. Optional when exactly one exists. */
  orgName?: string;
}

const DEFAULT_ACCESS: Record<Role, MonitoringAccess> = {
  admin: "live_monitoring_plus",
  supervisor: "live_monitoring",
  agent: "none",
};

/**
 * Creates a user from a shell or the set-up page, with its organisation when none of that
 * name exists. Once a user exists no set-up link is valid any more.
 */
export async function createUserWithOrg(
  store: Store,
  newId: () => string,
  input: FirstUser,
): Promise<UserRecord> {
  await checkNewPassword(input.password);
  const passwordHash = await hashPassword(input.password);
  return store.transaction((tx) => insertUserWithOrg(tx, newId, input, passwordHash));
}

async function insertUserWithOrg(
  tx: Store,
  newId: () => string,
  input: Omit<FirstUser, "password">,
  passwordHash: string,
): Promise<UserRecord> {
  const orgs = await tx.listOrgs();
  let org = input.orgName ? orgs.find((o) => o.name === input.orgName) : orgs[0];
  if (!input.orgName && orgs.length !== 1) {
    fail(
      "validation_failed",
      orgs.length === 0
        ? "There is no organisation yet: name it (--org NAME)."
        : `There are several organisations; name one (--org NAME): ${orgs.map((o) => o.name).join(", ")}.`,
    );
  }
  if (!org) {
    org = { id: newId(), name: String(input.orgName) };
    await tx.insertOrg(org);
  }
  if (await tx.getUserByEmail(input.email.toLowerCase())) fail("email_taken");
  const user: UserRecord = {
    id: newId(),
    orgId: org.id,
    email: input.email.toLowerCase(),
    name: input.name,
    passwordHash,
    role: input.role,
    monitoringAccess: input.monitoringAccess ?? DEFAULT_ACCESS[input.role],
    availability: "available",
    idleSince: null,
  };
  await tx.insertUser(user);
  await tx.replaceSetupTokens(null);
  return user;
}

export class Accounts {
  constructor(
    private readonly ctx: ControlContext,
    private readonly directory: Directory,
  ) {}

  /** Needs the current password; every other token of the user is revoked, their sockets closed. */
  async changePassword(viewer: UserRecord, tokenHash: string, current: string, next: string): Promise<void> {
    const user = await this.ctx.store.getUser(viewer.id);
    if (!user) fail("unauthenticated");
    if (!(await verifyPassword(current, user.passwordHash))) fail("invalid_current_password");
    await checkNewPassword(next);
    await this.ctx.store.updateUser(user.id, { passwordHash: await hashPassword(next) });
    await revokeUserTokens(this.ctx, user, "password_changed", tokenHash);
  }

  async logout(viewer: UserRecord, tokenHash: string): Promise<void> {
    await revokeToken(this.ctx, viewer, tokenHash, "signed_out");
  }

  async logoutEverywhere(viewer: UserRecord): Promise<void> {
    await revokeUserTokens(this.ctx, viewer, "signed_out_everywhere");
  }

  /**
   * At start-up: with no user in the database, a new one-time set-up link token (stored
   * hashed; it replaces any earlier one); null when users exist (and any link is removed).
   */
  async prepareFirstStart(): Promise<string | null> {
    await this.ctx.store.purgeExpiredTokens(this.ctx.now());
    if ((await this.ctx.store.countUsers()) > 0) {
      await this.ctx.store.replaceSetupTokens(null);
      return null;
    }
    const token = randomBytes(32).toString("base64url");
    await this.ctx.store.replaceSetupTokens(hashToken(token));
    return token;
  }

  /** The set-up page: consumes the link, creates the organisation and its first admin, signs in. */
  async completeSetup(
    setupToken: string,
    input: { orgName: string; name: string; email: string; password: string },
  ): Promise<{ token: string; user: User }> {
    await checkNewPassword(input.password);
    const passwordHash = await hashPassword(input.password);
    const user = await this.ctx.store.transaction(async (tx) => {
      if (!(await tx.takeSetupToken(hashToken(setupToken)))) fail("setup_link_invalid");
      if ((await tx.countUsers()) > 0) fail("setup_link_invalid");
      return insertUserWithOrg(tx, this.ctx.newId, { ...input, role: "admin" }, passwordHash);
    });
    return this.directory.signIn(user);
  }
}
