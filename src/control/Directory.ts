// The organisation's directory: sign-in and users, with its numbers (Numbers.ts: their line
// distribution) and contacts (Contacts.ts). Admins write; everyone in the org reads.
import { createHash, randomBytes } from "node:crypto";
import type { Availability, MonitoringAccess, Role, User } from "../protocol/resources.ts";
import type { AgentGone } from "./AgentGone.ts";
import type { Coaching } from "./Coaching.ts";
import { Contacts } from "./Contacts.ts";
import type { ControlContext } from "./context.ts";
import { EarshotError, fail } from "./errors.ts";
import { requireAdmin } from "./grants.ts";
import type { UserRecord } from "./model.ts";
import { Numbers } from "./Numbers.ts";
import { checkNewPassword } from "./passwordRules.ts";
import { DUMMY_HASH, hashPassword, verifyPassword } from "./passwords.ts";
import { agentMayKnow } from "./policy.ts";
import { UniqueViolation } from "./ports.ts";
import { coachSeenByUnaware } from "./presenter.ts";
import { Publisher } from "./publisher.ts";
import { revokeUserTokens } from "./revocation.ts";

export const hashToken = (token: string): string => createHash("sha256").update(token).digest("hex");

export interface NewUser {
  email: string;
  name: string;
  password: string;
  role: Role;
  monitoringAccess: MonitoringAccess;
}

export class Directory {
  private readonly publisher: Publisher;
  readonly numbers: Numbers;
  readonly contacts: Contacts;

  constructor(
    private readonly ctx: ControlContext,
    /** Permissions bite at once: a change re-runs the policy for the sessions it touches. */
    private readonly coaching: Coaching,
    /** The queue's trigger: a user became available (Calls.queue.agentsFreed). */
    private readonly agentsFreed: (orgId: string) => Promise<void>,
    /** Told when a user's last socket closes and when one opens again (Calls.agentGone). */
    private readonly presence?: Pick<AgentGone, "wentOffline" | "cameBack">,
  ) {
    this.publisher = new Publisher(ctx);
    this.numbers = new Numbers(ctx, coaching);
    this.contacts = new Contacts(ctx);
  }

  async login(email: string, password: string): Promise<{ token: string; user: User }> {
    const user = await this.ctx.store.getUserByEmail(email);
    const ok = user
      ? await verifyPassword(password, user.passwordHash)
      : await verifyPassword(password, DUMMY_HASH);
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

  /** The User resource of `user` as `viewer` sees it (a coach, by their unaware agent: not coaching). */
  async present(user: UserRecord, viewer: Pick<UserRecord, "id"> = user): Promise<User> {
    const dto = await this.publisher.presentUserState(user);
    if (!dto.coachingSessionId || viewer.id === user.id) return dto;
    const session = await this.ctx.store.getSession(dto.coachingSessionId);
    return session && !agentMayKnow(session, viewer.id) ? coachSeenByUnaware(dto) : dto;
  }

  async listUsers(viewer: UserRecord): Promise<User[]> {
    return this.publisher.presentUserStates(
      await this.ctx.store.listUsers(viewer.orgId),
      viewer.orgId,
      viewer.id,
    );
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
      idleSince: null,
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
        return session ? this.coaching.review(tx, [session.id]) : [];
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
    this.publisher.userDeleted(user);
  }

  async setAvailability(viewer: UserRecord, availability: Availability): Promise<User> {
    if (availability === "available" && (await this.ctx.store.activeSessionOfCoach(viewer.id))) {
      fail("conflict", "You stay unavailable while you are coaching.");
    }
    // Becoming available starts the user's idle time (longest-idle first) and may free a queued call.
    const idleSince = availability === "available" ? this.ctx.now() : viewer.idleSince;
    await this.ctx.store.updateUser(viewer.id, { availability, idleSince });
    const user = await this.publishUser({ ...viewer, availability, idleSince });
    if (availability === "available") await this.agentsFreed(viewer.orgId);
    return user;
  }

  /**
   * One of the user's sockets opened or closed on this node (user_presence): told to the org
   * when they came online or went offline (agent state "offline").
   */
  async socketChanged(user: UserRecord, delta: 1 | -1): Promise<void> {
    if (!(await this.ctx.store.countSocket(user.id, this.ctx.nodeId, delta))) return;
    await (delta === 1 ? this.presence?.cameBack(user.id) : this.presence?.wentOffline(user.id));
    const fresh = await this.ctx.store.getUser(user.id);
    if (fresh) await this.publishUser(fresh);
  }

  /**
   * Forgets the sockets counted on nodes that stopped without closing them (a crash): the users
   * left online on no node go offline, as if their last socket had closed (the agent-gone grace
   * starts), and the org is told. `alive` tells which of the other nodes run.
   */
  async forgetStoppedNodes(alive: (nodeIds: string[]) => Promise<Set<string>>): Promise<number> {
    const others = await this.ctx.store.presenceNodes(this.ctx.nodeId);
    if (others.length === 0) return 0;
    const running = await alive(others);
    const offline = await this.ctx.store.forgetSocketsOfNodes(others.filter((id) => !running.has(id)));
    for (const id of offline) {
      await this.presence?.wentOffline(id);
      const fresh = await this.ctx.store.getUser(id);
      if (fresh) await this.publishUser(fresh);
    }
    return offline.length;
  }

  /** Tells the org the user's state. */
  publishUser(user: UserRecord): Promise<User> {
    return this.publisher.userState(user);
  }

  private async uniqueEmail<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (e) {
      if (e instanceof UniqueViolation) throw new EarshotError("email_taken");
      throw e;
    }
  }
}
