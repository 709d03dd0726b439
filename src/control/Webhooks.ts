// Webhook registrations (SPEC §5): admins register URLs for coaching and call events.
import { randomBytes } from "node:crypto";
import type { ControlContext } from "./context.ts";
import { fail } from "./errors.ts";
import { requireAdmin } from "./grants.ts";
import type { UserRecord, WebhookEvent, WebhookRecord } from "./model.ts";

export interface WebhookView {
  id: string;
  url: string;
  events: WebhookEvent[];
  createdAt: string;
  lastStatus: string | null;
  lastAttemptAt: string | null;
}

const view = (w: WebhookRecord): WebhookView => ({
  id: w.id,
  url: w.url,
  events: w.events,
  createdAt: w.createdAt.toISOString(),
  lastStatus: w.lastStatus,
  lastAttemptAt: w.lastAttemptAt?.toISOString() ?? null,
});

/** Where a URL may deliver: the outer part resolves the host and classifies its addresses. */
export interface WebhookTargetCheck {
  check(
    url: URL,
  ): Promise<{ ok: true } | { ok: false; reason: "invalid_url" | "unresolvable" | "private_address" }>;
}

export interface WebhookDeps {
  targets: WebhookTargetCheck;
  /** Whether secrets can be sealed at rest (EARSHOT_SECRET is set). */
  canSealSecrets: boolean;
}

export class Webhooks {
  constructor(
    private readonly ctx: ControlContext,
    private readonly deps: WebhookDeps,
  ) {}

  async list(viewer: UserRecord): Promise<WebhookView[]> {
    requireAdmin(viewer);
    return (await this.ctx.store.listWebhooks(viewer.orgId)).map(view);
  }

  /** Registers a URL; the signing secret is returned this once. */
  async create(
    viewer: UserRecord,
    url: string,
    events: WebhookEvent[],
  ): Promise<WebhookView & { secret: string }> {
    requireAdmin(viewer);
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      fail("validation_failed", "url must be an absolute http(s) URL.");
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
      fail("validation_failed", "url must be http(s).");
    if (parsed.username || parsed.password)
      fail(
        "validation_failed",
        "url must not carry credentials (user:password@); receivers check the signature.",
      );
    if (!this.deps.canSealSecrets) fail("server_secret_required");
    const target = await this.deps.targets.check(parsed);
    if (!target.ok && target.reason === "unresolvable")
      fail("webhook_url_refused", "The url's host does not resolve.");
    if (!target.ok) fail("webhook_url_refused");
    const w = {
      id: this.ctx.newId(),
      orgId: viewer.orgId,
      url: parsed.toString(),
      secret: randomBytes(24).toString("base64url"),
      events: [...new Set(events)],
    };
    await this.ctx.store.insertWebhook(w);
    const stored = (await this.ctx.store.listWebhooks(viewer.orgId)).find(
      (x) => x.id === w.id,
    ) as WebhookRecord;
    return { ...view(stored), secret: w.secret };
  }

  async remove(viewer: UserRecord, id: string): Promise<void> {
    requireAdmin(viewer);
    if (!(await this.ctx.store.listWebhooks(viewer.orgId)).some((w) => w.id === id))
      fail("not_found", "No such webhook.");
    await this.ctx.store.deleteWebhook(id);
  }
}
