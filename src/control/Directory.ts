// The organisation's directory: sign-in, users, numbers with their line distribution,
// contacts. Admins write; everyone in the org reads.
import { createHash, randomBytes } from "node:crypto";
import type {
  Availability,
  Contact,
  MonitoringAccess,
  PhoneNumber,
  Role,
  User,
} from "../protocol/resources.ts";
import type { Coaching } from "./Coaching.ts";
import type { ControlContext } from "./context.ts";
import { EarshotError, fail } from "./errors.ts";
import type { ContactRecord, NumberRecord, UserRecord } from "./model.ts";
import { checkNewPassword } from "./passwordRules.ts";
import { hashPassword, verifyPassword } from "./passwords.ts";
import { UniqueViolation } from "./ports.ts";
import { presentUser } from "./presenter.ts";
import { revokeUserTokens } from "./revocation.ts";
import { reviewSessions } from "./sessionChanges.ts";
import { presentUserState, publishUserState } from "./userEvents.ts";

export const hashToken = (token: string): string => createHash("sha256").update(token).digest("hex");

export function requireAdmin(viewer: UserRecord): void {
  if (viewer.role !== "admin") fail("forbidden", "Only admins can do this.");
}

export interface NewUser {
  email: string;
  name: string;
  password: string;
  role: Role;
  monitoringAccess: MonitoringAccess;
}

export class Directory {
  // A dummy hash so that a login for an unknown email costs as much as a wrong password.
  private readonly dummyHash = hashPassword(randomBytes(8).toString("hex"));

  constructor(
    private readonly ctx: ControlContext,
    /** Permissions bite at once: a change re-runs the policy for the sessions it touches. */
    private readonly coaching: Coaching,
  ) {}

  async login(email: string, password: string): Promise<{ token: string; user: User }> {
    const user = await this.ctx.store.getUserByEmail(email);
    const ok = user
      ? await verifyPassword(password, user.passwordHash)
      : await verifyPassword(password, await this.dummyHash);
    if (!user || !ok) fail("invalid_credentials");
    return this.signIn(user);
  }

  /** A new token for `user` (sign-in, first admin); expired tokens of everyone are purged. */
  async signIn(user: UserRecord): Promise<{ token: string; user: User }> {
    const now = this.ctx.now();
    await this.ctx.store.purgeExpiredTokens(now);
    const token = randomBytes(32).toString("base64url");
    const expires = new Date(now.getTime() + this.ctx.settings.tokenTtlMs);
    await this.ctx.store.insertToken(hashToken(token), user.id, expires);
    return { token, user: await this.present(user) };
  }

  async authenticate(token: string): Promise<UserRecord> {
    const user = await this.ctx.store.userForToken(hashToken(token), this.ctx.now());
    if (!user) fail("unauthenticated", "The session is missing or has expired; sign in again.");
    return user;
  }

  async present(user: UserRecord): Promise<User> {
    return presentUserState(this.ctx, user);
  }

  async listUsers(viewer: UserRecord): Promise<User[]> {
    const [users, calls] = await Promise.all([
      this.ctx.store.listUsers(viewer.orgId),
      this.ctx.store.listCalls(viewer.orgId, { live: true, limit: 10_000 }),
    ]);
    const sessions = await this.ctx.store.activeSessionsOfCalls(calls.map((c) => c.id));
    return users.map((u) => {
      const call = calls.find((c) => c.agentId === u.id && c.state !== "ringing" && !c.externalTransfer);
      const session = sessions.find((s) => s.coachId === u.id);
      return presentUser(u, call?.id ?? null, session?.id ?? null);
    });
  }

  async getUser(viewer: UserRecord, id: string): Promise<UserRecord> {
    const user = await this.ctx.store.getUser(id);
    if (!user || user.orgId !== viewer.orgId) fail("not_found", "No such user.");
    return user;
  }

  async createUser(viewer: UserRecord, input: NewUser): Promise<User> {
    requireAdmin(viewer);
    await checkNewPassword(input.password);
    const user: UserRecord = {
      id: this.ctx.newId(),
      orgId: viewer.orgId,
      email: input.email.toLowerCase(),
      name: input.name,
      passwordHash: await hashPassword(input.password),
      role: input.role,
      monitoringAccess: input.monitoringAccess,
      availability: "available",
    };
    await this.uniqueEmail(() => this.ctx.store.insertUser(user));
    return this.publishUser(user);
  }

  /** An admin's edit; a password reset signs the user out everywhere (but the admin's own tab). */
  async updateUser(
    viewer: UserRecord,
    id: string,
    patch: Partial<Omit<NewUser, "password">> & { password?: string },
    viewerTokenHash?: string,
  ): Promise<User> {
    requireAdmin(viewer);
    const target = await this.getUser(viewer, id);
    const { password, ...rest } = patch;
    const record: Partial<UserRecord> = { ...rest };
    if (password !== undefined) {
      await checkNewPassword(password);
      record.passwordHash = await hashPassword(password);
    }
    const reviews = rest.role !== undefined || rest.monitoringAccess !== undefined;
    const outcomes = await this.uniqueEmail(() =>
      this.ctx.store.transaction(async (tx) => {
        // The session's call is locked before the user's row, in the order a coaching start
        // takes them; the session is read again after the write (one may have started meanwhile).
        const before = reviews ? await tx.activeSessionOfCoach(id) : undefined;
        if (before) await tx.lockCall(before.callId);
        await tx.updateUser(id, record);
        const session = reviews ? await tx.activeSessionOfCoach(id) : undefined;
        return session ? reviewSessions(tx, [session.id], this.ctx.now()) : [];
      }),
    );
    // The routing of every session the change touched, before the change is acknowledged.
    await this.coaching.settleReview(outcomes);
    if (password !== undefined)
      await revokeUserTokens(
        this.ctx,
        target,
        "password_reset",
        id === viewer.id ? viewerTokenHash : undefined,
      );
    return this.publishUser(await this.getUser(viewer, id));
  }

  async deleteUser(viewer: UserRecord, id: string): Promise<void> {
    requireAdmin(viewer);
    const user = await this.getUser(viewer, id);
    if (user.id === viewer.id) fail("conflict", "You cannot delete yourself.");
    const [call, session] = await Promise.all([
      this.ctx.store.liveCallOfAgent(id),
      this.ctx.store.activeSessionOfCoach(id),
    ]);
    if (call || session)
      fail("conflict", "That user is on a call or coaching; try again when they are free.");
    await revokeUserTokens(this.ctx, user, "user_deleted");
    await this.ctx.store.deleteUser(id);
  }

  async setAvailability(viewer: UserRecord, availability: Availability): Promise<User> {
    if (availability === "available" && (await this.ctx.store.activeSessionOfCoach(viewer.id))) {
      fail("conflict", "You stay unavailable while you are coaching.");
    }
    await this.ctx.store.updateUser(viewer.id, { availability });
    return this.publishUser({ ...viewer, availability });
  }

  async publishUser(user: UserRecord): Promise<User> {
    return (await publishUserState(this.ctx, user)) as User;
  }

  private async uniqueEmail<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (e) {
      if (e instanceof UniqueViolation) throw new EarshotError("email_taken");
      throw e;
    }
  }

  // Numbers

  async listNumbers(viewer: UserRecord): Promise<PhoneNumber[]> {
    return this.ctx.store.listNumbers(viewer.orgId);
  }

  async getNumber(viewer: UserRecord, id: string): Promise<NumberRecord> {
    const n = await this.ctx.store.getNumber(id);
    if (!n || n.orgId !== viewer.orgId) fail("not_found", "No such number.");
    return n;
  }

  async createNumber(
    viewer: UserRecord,
    input: { name: string; e164: string; userIds: string[] },
  ): Promise<PhoneNumber> {
    requireAdmin(viewer);
    await this.checkOrgUsers(viewer, input.userIds);
    const n: NumberRecord = { id: this.ctx.newId(), orgId: viewer.orgId, ...input };
    await this.uniqueNumber(() => this.ctx.store.insertNumber(n));
    return this.getNumber(viewer, n.id);
  }

  async updateNumber(
    viewer: UserRecord,
    id: string,
    patch: Partial<{ name: string; e164: string; userIds: string[] }>,
  ): Promise<PhoneNumber> {
    requireAdmin(viewer);
    await this.getNumber(viewer, id);
    if (patch.userIds) await this.checkOrgUsers(viewer, patch.userIds);
    const outcomes = await this.uniqueNumber(() =>
      this.ctx.store.transaction(async (tx) => {
        await tx.updateNumber(id, patch);
        if (!patch.userIds) return [];
        // Every session on the number's calls, each call locked: a start in flight commits
        // first (and is reviewed here) or reads the new distribution.
        const calls = await tx.lockLiveCallsOfNumber(id);
        const sessions = await tx.activeSessionsOfCalls(calls.map((c) => c.id));
        return reviewSessions(
          tx,
          sessions.map((x) => x.id),
          this.ctx.now(),
        );
      }),
    );
    // The routing of every session the change touched, before the change is acknowledged.
    await this.coaching.settleReview(outcomes);
    return this.getNumber(viewer, id);
  }

  async deleteNumber(viewer: UserRecord, id: string): Promise<void> {
    requireAdmin(viewer);
    await this.getNumber(viewer, id);
    const live = await this.ctx.store.listCalls(viewer.orgId, { live: true, limit: 10_000 });
    if (live.some((c) => c.numberId === id)) fail("conflict", "That number has live calls.");
    try {
      await this.ctx.store.deleteNumber(id);
    } catch {
      fail("conflict", "That number has call history and cannot be deleted; rename it instead.");
    }
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

  // Contacts

  async listContacts(viewer: UserRecord): Promise<Contact[]> {
    return this.ctx.store.listContacts(viewer.orgId);
  }

  async getContact(viewer: UserRecord, id: string): Promise<Contact> {
    const c = await this.ctx.store.getContact(id);
    if (!c || c.orgId !== viewer.orgId) fail("not_found", "No such contact.");
    return c;
  }

  async createContact(viewer: UserRecord, input: Omit<ContactRecord, "id" | "orgId">): Promise<Contact> {
    requireAdmin(viewer);
    const c: ContactRecord = { id: this.ctx.newId(), orgId: viewer.orgId, ...input };
    await this.ctx.store.insertContact(c);
    return c;
  }

  async updateContact(
    viewer: UserRecord,
    id: string,
    patch: Partial<Omit<ContactRecord, "id" | "orgId">>,
  ): Promise<Contact> {
    requireAdmin(viewer);
    await this.getContact(viewer, id);
    await this.ctx.store.updateContact(id, patch);
    return this.getContact(viewer, id);
  }

  async deleteContact(viewer: UserRecord, id: string): Promise<void> {
    requireAdmin(viewer);
    await this.getContact(viewer, id);
    await this.ctx.store.deleteContact(id);
  }
}
