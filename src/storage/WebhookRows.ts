// Webhook rows ↔ records.
import type { Selectable } from "kysely";
import type { WebhookRecord } from "../control/model.ts";
import { json } from "./rows.ts";
import type { WebhooksTable } from "./schema.ts";
import type { SecretBox } from "./secretBox.ts";

/** The row as a record, its signing secret opened. */
export function webhookFromRow(r: Selectable<WebhooksTable>, box: SecretBox): WebhookRecord {
  return {
    id: r.id,
    orgId: r.org_id,
    url: r.url,
    secret: box.open(r.secret, r.id),
    events: json<WebhookRecord["events"]>(r.events),
    createdAt: r.created_at instanceof Date ? r.created_at : new Date(r.created_at),
    lastStatus: r.last_status,
    lastAttemptAt: r.last_attempt_at === null ? null : new Date(r.last_attempt_at),
  };
}
