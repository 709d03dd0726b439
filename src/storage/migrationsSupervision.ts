// The migrations of the supervisor's day (issue 15): the live board, queues, transfers that ring,
// the call history and agents' presence. Run after the core schema (migrations.ts), by name.
import type { Kysely, Migration } from "kysely";
import { runScript } from "./sqlScript.ts";

export const supervisionMigrations: Record<string, Migration> = {
  "007_live_board": {
    async up(db: Kysely<unknown>) {
      // The live board: the calls of a period by org and offer time; an agent's last ended call
      // (wrap-up); which nodes hold a socket of a user (offline is "no row"); the agent state
      // last told and since when (control/agentState.ts keeps a state's start across events).
      await runScript(
        db,
        `
        CREATE INDEX calls_org_created ON calls (org_id, created_at);
        CREATE INDEX calls_agent_ended ON calls (agent_id, ended_at);
        CREATE TABLE user_presence (
          user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          node_id text NOT NULL,
          sockets integer NOT NULL,
          PRIMARY KEY (user_id, node_id)
        );
        ALTER TABLE users ADD COLUMN agent_state text;
        ALTER TABLE users ADD COLUMN agent_state_since timestamptz;
      `,
      );
    },
  },
  "008_queues": {
    async up(db: Kysely<unknown>) {
      // Queues (docs/ARCHITECTURE.md "Queues"): when an inbound call's customer began waiting,
      // when a user last became free (longest-idle first), and each number's maximum wait.
      await runScript(
        db,
        `
        ALTER TABLE calls ADD COLUMN queued_at timestamptz;
        ALTER TABLE users ADD COLUMN idle_since timestamptz;
        ALTER TABLE numbers ADD COLUMN max_wait_s integer NOT NULL DEFAULT 300 CHECK (max_wait_s BETWEEN 10 AND 3600);
        CREATE INDEX calls_waiting ON calls (number_id, queued_at, id) WHERE state = 'ringing';
      `,
      );
    },
  },
  "009_transfers": {
    async up(db: Kysely<unknown>) {
      // A transfer to a user rings them (SPEC §2, docs/ARCHITECTURE.md "Transfers"): who
      // transferred, to whom, ringing or how it returned, since when, and whether the call was
      // on hold already (it stays so when the transfer returns).
      await runScript(
        db,
        `
        ALTER TABLE calls ADD COLUMN transfer_from_id text;
        ALTER TABLE calls ADD COLUMN transfer_to_id text;
        ALTER TABLE calls ADD COLUMN transfer_state text;
        ALTER TABLE calls ADD COLUMN transfer_at timestamptz;
        ALTER TABLE calls ADD COLUMN transfer_was_on_hold boolean NOT NULL DEFAULT false;
        CREATE INDEX calls_transfer_ringing ON calls (transfer_to_id) WHERE transfer_state = 'ringing';
      `,
      );
    },
  },
  "010_history": {
    async up(db: Kysely<unknown>) {
      // The call history (storage/HistoryQueries.ts): an org's calls per agent, contact or
      // number, newest first by (created_at, id); and the coaching notes supervisors leave on a
      // session after its call ended.
      await runScript(
        db,
        `
        CREATE INDEX calls_history_agent ON calls (agent_id, created_at, id);
        CREATE INDEX calls_history_contact ON calls (contact_id, created_at, id);
        CREATE INDEX calls_history_number ON calls (number_id, created_at, id);
        CREATE TABLE coaching_notes (
          id text PRIMARY KEY,
          session_id text NOT NULL REFERENCES coaching_sessions(id) ON DELETE CASCADE,
          author_id text NOT NULL REFERENCES users(id),
          text text NOT NULL CHECK (length(text) BETWEEN 1 AND 2000),
          created_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX coaching_notes_session ON coaching_notes (session_id, created_at);
      `,
      );
    },
  },
  "011_agent_offline_since": {
    async up(db: Kysely<unknown>) {
      // When a user's last socket closed (control/AgentGone.ts): past a short grace, the live
      // call of an agent still without a socket on any node goes back to its queue.
      await runScript(db, "ALTER TABLE users ADD COLUMN offline_since timestamptz;");
    },
  },
  "012_live_board_sums": {
    async up(db: Kysely<unknown>) {
      // The live board's calls ended since its sums were last brought up to date
      // (control/liveStats.ts, StatsQueries' settledCallCounts and numberCallCounts); a
      // requeued call's wait before its requeue (its speed of answer counts the whole wait).
      await runScript(
        db,
        `
        CREATE INDEX calls_org_ended ON calls (org_id, ended_at);
        ALTER TABLE calls ADD COLUMN earlier_wait_ms bigint;
      `,
      );
    },
  },
};
