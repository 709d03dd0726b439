// Delivers events to registered webhooks: JSON POSTs signed with HMAC-SHA256, retried
// with exponential back-off. Only the node where an event originated delivers it, so a
// cluster sends each event once. Every attempt re-checks the target (SPEC §7): a name that
// resolves to a private address now is refused before any connection, whatever it resolved
// to at registration.
import { createHmac, randomUUID } from "node:crypto";
import type { WebhookEvent, WebhookRecord } from "../control/model.ts";
import type { Envelope, EventBus, Store } from "../control/ports.ts";
import { postTo } from "./post.ts";
import type { WebhookTargets } from "./targets.ts";

export interface DispatcherOptions {
  /** Delays before each retry; the number of retries is its length. */
  retryDelaysMs: number[];
  timeoutMs: number;
  targets: WebhookTargets;
  log: (msg: string, fields: Record<string, unknown>) => void;
}

/** The webhook event an internal event is, if any. */
export function webhookEventOf(e: Envelope["event"]): { type: WebhookEvent; data: unknown } | null {
  switch (e.type) {
    case "coaching.started":
    case "coaching.mode_changed":
    case "coaching.ended":
      return { type: e.type, data: { session: e.session } };
    case "call.created":
      return { type: "call.started", data: { call: e.call } };
    case "call.ended":
      return { type: "call.ended", data: { call: e.call } };
    case "hand.raised":
      return { type: "hand.raised", data: { call: e.call } };
    default:
      return null;
  }
}

/** `lastStatus` of an attempt refused before any connection. */
const REFUSED = {
  private_address: "refused: private address",
  unresolvable: "refused: host does not resolve",
  invalid_url: "refused: invalid URL",
} as const;

export function sign(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

export class WebhookDispatcher {
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly options: DispatcherOptions,
  ) {}

  /** An EventBus that also hands every locally published event to this dispatcher. */
  wrap(bus: EventBus): EventBus {
    return {
      publish: (envelope) => {
        bus.publish(envelope);
        this.handle(envelope);
      },
      subscribe: (l) => bus.subscribe(l),
      close: () => bus.close(),
    };
  }

  handle(envelope: Envelope): void {
    const mapped = webhookEventOf(envelope.event);
    if (!mapped || this.closed) return;
    void this.store
      .listWebhooks(envelope.audience.orgId)
      .then((hooks) => {
        const body = JSON.stringify({
          id: randomUUID(),
          type: mapped.type,
          createdAt: new Date().toISOString(),
          data: mapped.data,
        });
        for (const hook of hooks)
          if (hook.events.includes(mapped.type)) void this.deliver(hook, mapped.type, body, 0);
      })
      .catch((e: Error) => this.options.log("webhook lookup failed", { error: e.message }));
  }

  private async deliver(hook: WebhookRecord, type: string, body: string, attempt: number): Promise<void> {
    if (this.closed) return;
    const status = await this.attempt(hook, type, body, attempt);
    if (status === null) return;
    const delay = this.options.retryDelaysMs[attempt];
    if (delay === undefined) {
      this.options.log("webhook delivery gave up", {
        webhookId: hook.id,
        type,
        status,
        attempts: attempt + 1,
      });
      return;
    }
    const t = setTimeout(() => {
      this.timers.delete(t);
      void this.deliver(hook, type, body, attempt + 1);
    }, delay);
    t.unref();
    this.timers.add(t);
  }

  /** One attempt; null when delivered, else the failure as `lastStatus` shows it. */
  private async attempt(hook: WebhookRecord, type: string, body: string, attempt: number) {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const url = new URL(hook.url);
    const target = await this.options.targets.check(url);
    const outcome = target.ok
      ? await postTo(
          url,
          target.address,
          {
            "content-type": "application/json",
            "x-earshot-event": type,
            "x-earshot-timestamp": timestamp,
            "x-earshot-signature": sign(hook.secret, timestamp, body),
            "x-earshot-attempt": String(attempt + 1),
          },
          body,
          this.options.timeoutMs,
        )
      : { ok: false, status: REFUSED[target.reason], detail: undefined };
    await this.store
      .recordWebhookAttempt(hook.id, outcome.status, new Date())
      .catch((e: Error) =>
        this.options.log("webhook status not recorded", { webhookId: hook.id, error: e.message }),
      );
    if (outcome.ok) return null;
    if (outcome.detail)
      this.options.log("webhook delivery failed", { webhookId: hook.id, error: outcome.detail });
    return outcome.status;
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
