// The org's contacts (the people behind customers' numbers): admins write, everyone reads.
import type { Contact } from "../protocol/resources.ts";
import type { ControlContext } from "./context.ts";
import { fail } from "./errors.ts";
import { requireAdmin } from "./grants.ts";
import type { ContactRecord, UserRecord } from "./model.ts";

export class Contacts {
  constructor(private readonly ctx: ControlContext) {}

  async list(viewer: UserRecord): Promise<Contact[]> {
    return this.ctx.store.listContacts(viewer.orgId);
  }

  async get(viewer: UserRecord, id: string): Promise<Contact> {
    const c = await this.ctx.store.getContact(id);
    if (!c || c.orgId !== viewer.orgId) fail("not_found", "No such contact.");
    return c;
  }

  async create(viewer: UserRecord, input: Omit<ContactRecord, "id" | "orgId">): Promise<Contact> {
    requireAdmin(viewer);
    const c: ContactRecord = { id: this.ctx.newId(), orgId: viewer.orgId, ...input };
    await this.ctx.store.insertContact(c);
    return c;
  }

  async update(
    viewer: UserRecord,
    id: string,
    patch: Partial<Omit<ContactRecord, "id" | "orgId">>,
  ): Promise<Contact> {
    requireAdmin(viewer);
    await this.get(viewer, id);
    await this.ctx.store.updateContact(id, patch);
    return this.get(viewer, id);
  }

  async delete(viewer: UserRecord, id: string): Promise<void> {
    requireAdmin(viewer);
    await this.get(viewer, id);
    await this.ctx.store.deleteContact(id);
  }
}
