// One set of SQL migrations, run unchanged on PGlite and PostgreSQL, in name order: the core
// schema here (001–006), the supervisor's day in migrationsSupervision.ts (007 on).
import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from "kysely";
import { supervisionMigrations } from "./migrationsSupervision.ts";
import { isSealed, type SecretBox } from "./secretBox.ts";
import { runScript } from "./sqlScript.ts";

/** What a migration may need besides the database. */
export interface MigrationContext {
  /** Seals secrets at rest; null when EARSHOT_SECRET is not set. */
  box: SecretBox | null;
}

const migrations: Record<string, Migration> = {
  "001_initial": {
    async up(db: Kysely<unknown>) {
      await runScript(
        db,
        `
        CREATE TABLE orgs (
          id text PRIMARY KEY,
          name text NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE users (
          id text PRIMARY KEY,
          org_id text NOT NULL REFERENCES orgs(id),
          email text NOT NULL UNIQUE,
          name text NOT NULL,
          password_hash text NOT NULL,
          role text NOT NULL CHECK (role IN ('admin','supervisor','agent')),
          monitoring_access text NOT NULL CHECK (monitoring_access IN ('none','live_monitoring','live_monitoring_plus')),
          availability text NOT NULL CHECK (availability IN ('available','unavailable')),
          created_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE auth_tokens (
          token_hash text PRIMARY KEY,
          user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          created_at timestamptz NOT NULL DEFAULT now(),
          expires_at timestamptz NOT NULL
        );
        CREATE TABLE numbers (
          id text PRIMARY KEY,
          org_id text NOT NULL REFERENCES orgs(id),
          name text NOT NULL,
          e164 text NOT NULL UNIQUE
        );
        CREATE TABLE number_users (
          number_id text NOT NULL REFERENCES numbers(id) ON DELETE CASCADE,
          user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          PRIMARY KEY (number_id, user_id)
        );
        CREATE TABLE contacts (
          id text PRIMARY KEY,
          org_id text NOT NULL REFERENCES orgs(id),
          name text NOT NULL,
          phone_numbers jsonb NOT NULL DEFAULT '[]',
          company text,
          notes text
        );
        CREATE TABLE calls (
          id text PRIMARY KEY,
          org_id text NOT NULL REFERENCES orgs(id),
          direction text NOT NULL CHECK (direction IN ('inbound','outbound')),
          state text NOT NULL CHECK (state IN ('ringing','in_progress','on_hold','ended')),
          number_id text NOT NULL REFERENCES numbers(id),
          agent_id text REFERENCES users(id) ON DELETE SET NULL,
          ringing_user_ids jsonb NOT NULL DEFAULT '[]',
          customer_number text NOT NULL,
          contact_id text REFERENCES contacts(id) ON DELETE SET NULL,
          emergency boolean NOT NULL DEFAULT false,
          conference boolean NOT NULL DEFAULT false,
          external_transfer boolean NOT NULL DEFAULT false,
          transferred_to text,
          agent_muted boolean NOT NULL DEFAULT false,
          customer_channel text NOT NULL,
          tags jsonb NOT NULL DEFAULT '[]',
          hand_raised boolean NOT NULL DEFAULT false,
          created_at timestamptz NOT NULL DEFAULT now(),
          answered_at timestamptz,
          ended_at timestamptz,
          end_reason text
        );
        CREATE INDEX calls_live ON calls (org_id) WHERE state <> 'ended';
        CREATE INDEX calls_agent_live ON calls (agent_id) WHERE state <> 'ended';
        CREATE TABLE call_comments (
          id text PRIMARY KEY,
          call_id text NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
          author_id text NOT NULL REFERENCES users(id),
          text text NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX call_comments_call ON call_comments (call_id);
        CREATE TABLE coaching_sessions (
          id text PRIMARY KEY,
          org_id text NOT NULL REFERENCES orgs(id),
          call_id text NOT NULL REFERENCES calls(id),
          coach_id text NOT NULL REFERENCES users(id),
          agent_id text NOT NULL REFERENCES users(id),
          mode text NOT NULL CHECK (mode IN ('listen','whisper','barge')),
          modes_used jsonb NOT NULL,
          notify_user boolean NOT NULL,
          open_conversation boolean NOT NULL,
          coach_prev_availability text NOT NULL,
          agent_aware_at timestamptz,
          started_at timestamptz NOT NULL DEFAULT now(),
          ended_at timestamptz,
          end_reason text
        );
        -- One coach per call and one call per coach, enforced by the database itself.
        CREATE UNIQUE INDEX coaching_one_per_call ON coaching_sessions (call_id) WHERE ended_at IS NULL;
        CREATE UNIQUE INDEX coaching_one_per_coach ON coaching_sessions (coach_id) WHERE ended_at IS NULL;
        CREATE INDEX coaching_started ON coaching_sessions (org_id, started_at);
        CREATE TABLE coaching_events (
          id serial PRIMARY KEY,
          session_id text NOT NULL REFERENCES coaching_sessions(id) ON DELETE CASCADE,
          at timestamptz NOT NULL DEFAULT now(),
          kind text NOT NULL,
          detail text
        );
        CREATE INDEX coaching_events_session ON coaching_events (session_id);
      `,
      );
    },
  },
  "002_webhooks": {
    async up(db: Kysely<unknown>) {
      await runScript(
        db,
        `
        CREATE TABLE webhooks (
          id text PRIMARY KEY,
          org_id text NOT NULL REFERENCES orgs(id),
          url text NOT NULL,
          secret text NOT NULL,
          events jsonb NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now(),
          last_status text,
          last_attempt_at timestamptz
        );
        CREATE INDEX webhooks_org ON webhooks (org_id);
      `,
      );
    },
  },
  "003_call_node": {
    async up(db: Kysely<unknown>) {
      // The server process that carries the call (its audio, ring timer and phone line).
      await runScript(db, "ALTER TABLE calls ADD COLUMN node_id text;");
    },
  },
  "004_call_third_party": {
    async up(db: Kysely<unknown>) {
      // The number of a conference's third party while they are on the call.
      await runScript(db, "ALTER TABLE calls ADD COLUMN third_party text;");
    },
  },
  "006_auth_setup": {
    async up(db: Kysely<unknown>) {
      // One-time set-up links (hashed), and the indexes that revoking a user's tokens and
      // purging the expired ones use.
      await runScript(
        db,
        `
        CREATE TABLE setup_tokens (
          token_hash text PRIMARY KEY,
          created_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX auth_tokens_user ON auth_tokens (user_id);
        CREATE INDEX auth_tokens_expires ON auth_tokens (expires_at);
      `,
      );
    },
  },
};

/** Migrations that need the context (a key), after the plain ones. */
function withContext(ctx: MigrationContext): Record<string, Migration> {
  return {
    "005_webhook_secrets_sealed": {
      async up(db: Kysely<unknown>) {
        // Webhook secrets were stored in plaintext: seal them (secretBox.ts). Without the key
        // this migration fails, so it cannot be marked done while a plaintext secret remains.
        const { rows } = await sql<{ id: string; secret: string }>`SELECT id, secret FROM webhooks`.execute(
          db,
        );
        const plain = rows.filter((r) => !isSealed(r.secret));
        if (plain.length === 0) return;
        if (!ctx.box) throw new Error(missingSecretMessage(plain.length));
        for (const r of plain)
          await sql`UPDATE webhooks SET secret = ${ctx.box.seal(r.secret, r.id)} WHERE id = ${r.id}`.execute(
            db,
          );
      },
    },
  };
}

/** The one sentence an operator reads when webhooks exist and EARSHOT_SECRET does not. */
export function missingSecretMessage(webhooks: number): string {
  return `${webhooks} webhook(s) are registered and EARSHOT_SECRET is not set: their signing secrets are encrypted with a key derived from it. Set EARSHOT_SECRET (the same value on every node) and start again.`;
}

export async function migrate(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  const provider: MigrationProvider = {
    getMigrations: async () => ({ ...migrations, ...supervisionMigrations, ...withContext(ctx) }),
  };
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    throw new Error(`database migration ${failed} failed: ${String(error)}`);
  }
}
