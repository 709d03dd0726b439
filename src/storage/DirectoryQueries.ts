// The directory half of the Store: orgs, users, numbers with their line distribution,
// contacts (auth tokens and set-up links in AuthQueries). KyselyStore adds calls, coaching
// sessions and webhooks.
import { sql } from "kysely";
import type { ContactRecord, NumberRecord, UserRecord } from "../control/model.ts";
import { UniqueViolation } from "../control/ports.ts";
import { AuthQueries, type Db } from "./AuthQueries.ts";
import { contactFromRow, userFromRow } from "./rows.ts";

export type { Db };

/** Maps a database unique violation (SQLSTATE 23505) to the domain's UniqueViolation. */
export async function guard<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (e) {
    const err = e as { code?: string; constraint?: string; message?: string };
    if (err?.code === "23505") {
      const constraint = err.constraint ?? /"([^"]+)"/.exec(err.message ?? "")?.[1] ?? "unknown";
      throw new UniqueViolation(constraint);
    }
    throw e;
  }
}

export class DirectoryQueries extends AuthQueries {
  async insertOrg(org: { id: string; name: string }): Promise<void> {
    await this.db.insertInto("orgs").values(org).execute();
  }

  async listOrgs(): Promise<{ id: string; name: string }[]> {
    return this.db.selectFrom("orgs").select(["id", "name"]).orderBy("created_at").execute();
  }

  async countUsers(): Promise<number> {
    const r = await this.db
      .selectFrom("users")
      .select(sql<number>`count(*)::int`.as("n"))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  // Users

  async getUser(id: string): Promise<UserRecord | undefined> {
    const r = await this.db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
    return r && userFromRow(r);
  }

  async lockUser(id: string): Promise<UserRecord | undefined> {
    const r = await this.db
      .selectFrom("users")
      .selectAll()
      .where("id", "=", id)
      .forUpdate()
      .executeTakeFirst();
    return r && userFromRow(r);
  }

  async getUserByEmail(email: string): Promise<UserRecord | undefined> {
    const r = await this.db
      .selectFrom("users")
      .selectAll()
      .where("email", "=", email.toLowerCase())
      .executeTakeFirst();
    return r && userFromRow(r);
  }

  async listUsers(orgId: string): Promise<UserRecord[]> {
    const rows = await this.db
      .selectFrom("users")
      .selectAll()
      .where("org_id", "=", orgId)
      .orderBy("name")
      .execute();
    return rows.map(userFromRow);
  }

  async getUsers(ids: string[]): Promise<UserRecord[]> {
    if (ids.length === 0) return [];
    return (await this.db.selectFrom("users").selectAll().where("id", "in", ids).execute()).map(userFromRow);
  }

  async insertUser(u: UserRecord): Promise<void> {
    await guard(
      this.db
        .insertInto("users")
        .values({
          id: u.id,
          org_id: u.orgId,
          email: u.email.toLowerCase(),
          name: u.name,
          password_hash: u.passwordHash,
          role: u.role,
          monitoring_access: u.monitoringAccess,
          availability: u.availability,
          idle_since: u.idleSince,
        })
        .execute(),
    );
  }

  async updateUser(id: string, p: Partial<Omit<UserRecord, "id" | "orgId">>): Promise<void> {
    const row: Record<string, unknown> = {};
    if (p.email !== undefined) row.email = p.email.toLowerCase();
    if (p.name !== undefined) row.name = p.name;
    if (p.passwordHash !== undefined) row.password_hash = p.passwordHash;
    if (p.role !== undefined) row.role = p.role;
    if (p.monitoringAccess !== undefined) row.monitoring_access = p.monitoringAccess;
    if (p.availability !== undefined) row.availability = p.availability;
    if (p.idleSince !== undefined) row.idle_since = p.idleSince;
    if (Object.keys(row).length === 0) return;
    await guard(this.db.updateTable("users").set(row).where("id", "=", id).execute());
  }

  async deleteUser(id: string): Promise<void> {
    await this.db.deleteFrom("users").where("id", "=", id).execute();
  }

  // Numbers and their line distribution

  private async withUsers(
    rows: { id: string; org_id: string; name: string; e164: string; max_wait_s: number }[],
  ): Promise<NumberRecord[]> {
    if (rows.length === 0) return [];
    const links = await this.db
      .selectFrom("number_users")
      .selectAll()
      .where(
        "number_id",
        "in",
        rows.map((r) => r.id),
      )
      .execute();
    return rows.map((r) => ({
      id: r.id,
      orgId: r.org_id,
      name: r.name,
      e164: r.e164,
      maxWaitS: r.max_wait_s,
      userIds: links.filter((l) => l.number_id === r.id).map((l) => l.user_id),
    }));
  }

  async listNumbers(orgId: string): Promise<NumberRecord[]> {
    return this.withUsers(
      await this.db.selectFrom("numbers").selectAll().where("org_id", "=", orgId).orderBy("name").execute(),
    );
  }

  async getNumber(id: string): Promise<NumberRecord | undefined> {
    return (
      await this.withUsers(await this.db.selectFrom("numbers").selectAll().where("id", "=", id).execute())
    )[0];
  }

  async getNumberByE164(e164: string): Promise<NumberRecord | undefined> {
    return (
      await this.withUsers(await this.db.selectFrom("numbers").selectAll().where("e164", "=", e164).execute())
    )[0];
  }

  async insertNumber(n: NumberRecord): Promise<void> {
    await guard(
      this.db
        .insertInto("numbers")
        .values({ id: n.id, org_id: n.orgId, name: n.name, e164: n.e164, max_wait_s: n.maxWaitS })
        .execute(),
    );
    await this.setNumberUsers(n.id, n.userIds);
  }

  async updateNumber(id: string, p: Partial<Omit<NumberRecord, "id" | "orgId">>): Promise<void> {
    const row: Record<string, unknown> = {};
    if (p.name !== undefined) row.name = p.name;
    if (p.e164 !== undefined) row.e164 = p.e164;
    if (p.maxWaitS !== undefined) row.max_wait_s = p.maxWaitS;
    if (Object.keys(row).length > 0)
      await guard(this.db.updateTable("numbers").set(row).where("id", "=", id).execute());
    if (p.userIds) await this.setNumberUsers(id, p.userIds);
  }

  private async setNumberUsers(numberId: string, userIds: string[]): Promise<void> {
    await this.db.deleteFrom("number_users").where("number_id", "=", numberId).execute();
    const unique = [...new Set(userIds)];
    if (unique.length > 0) {
      await this.db
        .insertInto("number_users")
        .values(unique.map((user_id) => ({ number_id: numberId, user_id })))
        .execute();
    }
  }

  async deleteNumber(id: string): Promise<void> {
    await this.db.deleteFrom("numbers").where("id", "=", id).execute();
  }

  // Contacts

  async listContacts(orgId: string): Promise<ContactRecord[]> {
    const rows = await this.db
      .selectFrom("contacts")
      .selectAll()
      .where("org_id", "=", orgId)
      .orderBy("name")
      .execute();
    return rows.map(contactFromRow);
  }

  async getContacts(ids: string[]): Promise<ContactRecord[]> {
    if (ids.length === 0) return [];
    return (await this.db.selectFrom("contacts").selectAll().where("id", "in", ids).execute()).map(
      contactFromRow,
    );
  }

  async getContact(id: string): Promise<ContactRecord | undefined> {
    const r = await this.db.selectFrom("contacts").selectAll().where("id", "=", id).executeTakeFirst();
    return r && contactFromRow(r);
  }

  async findContactByPhone(orgId: string, phone: string): Promise<ContactRecord | undefined> {
    const r = await this.db
      .selectFrom("contacts")
      .selectAll()
      .where("org_id", "=", orgId)
      .where(sql<boolean>`phone_numbers @> ${JSON.stringify([phone])}::jsonb`)
      .executeTakeFirst();
    return r && contactFromRow(r);
  }

  async insertContact(c: ContactRecord): Promise<void> {
    await this.db
      .insertInto("contacts")
      .values({
        id: c.id,
        org_id: c.orgId,
        name: c.name,
        phone_numbers: JSON.stringify(c.phoneNumbers),
        company: c.company,
        notes: c.notes,
      })
      .execute();
  }

  async updateContact(id: string, p: Partial<Omit<ContactRecord, "id" | "orgId">>): Promise<void> {
    const row: Record<string, unknown> = {};
    if (p.name !== undefined) row.name = p.name;
    if (p.phoneNumbers !== undefined) row.phone_numbers = JSON.stringify(p.phoneNumbers);
    if (p.company !== undefined) row.company = p.company;
    if (p.notes !== undefined) row.notes = p.notes;
    if (Object.keys(row).length > 0)
      await this.db.updateTable("contacts").set(row).where("id", "=", id).execute();
  }

  async deleteContact(id: string): Promise<void> {
    await this.db.deleteFrom("contacts").where("id", "=", id).execute();
  }
}
