// Table types for kysely. Column names are snake_case in SQL, camelCase in the domain.
import type { ColumnType, Generated } from "kysely";

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export interface OrgsTable {
  id: string;
  name: string;
  created_at: CreatedAt;
}

export interface UsersTable {
  id: string;
  org_id: string;
  email: string;
  name: string;
  password_hash: string;
  role: string;
  monitoring_access: string;
  availability: string;
  created_at: CreatedAt;
  agent_state: string | null;
  agent_state_since: Timestamp | null;
  idle_since: Timestamp | null;
  /** When the user's last socket closed (null: online, or never signed in). */
  offline_since: Timestamp | null;
}

export interface UserPresenceTable {
  user_id: string;
  node_id: string;
  sockets: number;
}

export interface AuthTokensTable {
  token_hash: string;
  user_id: string;
  created_at: CreatedAt;
  expires_at: Timestamp;
}

export interface SetupTokensTable {
  token_hash: string;
  created_at: CreatedAt;
}

export interface NumbersTable {
  id: string;
  org_id: string;
  name: string;
  e164: string;
  max_wait_s: Generated<number>;
}

export interface NumberUsersTable {
  number_id: string;
  user_id: string;
}

export interface ContactsTable {
  id: string;
  org_id: string;
  name: string;
  phone_numbers: Json<string[]>;
  company: string | null;
  notes: string | null;
}

export interface CallsTable {
  id: string;
  org_id: string;
  direction: string;
  state: string;
  number_id: string;
  agent_id: string | null;
  ringing_user_ids: Json<string[]>;
  customer_number: string;
  contact_id: string | null;
  emergency: boolean;
  conference: boolean;
  external_transfer: boolean;
  transferred_to: string | null;
  agent_muted: boolean;
  customer_channel: string;
  tags: Json<string[]>;
  hand_raised: boolean;
  created_at: CreatedAt;
  answered_at: Timestamp | null;
  ended_at: Timestamp | null;
  end_reason: string | null;
  node_id: string | null;
  third_party: string | null;
  queued_at: Timestamp | null;
  earlier_wait_ms: number | null;
  transfer_from_id: string | null;
  transfer_to_id: string | null;
  transfer_state: string | null;
  transfer_at: Timestamp | null;
  transfer_was_on_hold: boolean;
}

export interface CallCommentsTable {
  id: string;
  call_id: string;
  author_id: string;
  text: string;
  created_at: CreatedAt;
}

export interface CoachingSessionsTable {
  id: string;
  org_id: string;
  call_id: string;
  coach_id: string;
  agent_id: string;
  mode: string;
  modes_used: Json<string[]>;
  notify_user: boolean;
  open_conversation: boolean;
  coach_prev_availability: string;
  agent_aware_at: Timestamp | null;
  started_at: CreatedAt;
  ended_at: Timestamp | null;
  end_reason: string | null;
}

export interface CoachingEventsTable {
  id: Generated<number>;
  session_id: string;
  at: CreatedAt;
  kind: string;
  detail: string | null;
}

export interface CoachingNotesTable {
  id: string;
  session_id: string;
  author_id: string;
  text: string;
  created_at: CreatedAt;
}

export interface WebhooksTable {
  id: string;
  org_id: string;
  url: string;
  secret: string;
  events: Json<string[]>;
  created_at: CreatedAt;
  last_status: string | null;
  last_attempt_at: Timestamp | null;
}

export interface Database {
  webhooks: WebhooksTable;
  orgs: OrgsTable;
  users: UsersTable;
  user_presence: UserPresenceTable;
  auth_tokens: AuthTokensTable;
  setup_tokens: SetupTokensTable;
  numbers: NumbersTable;
  number_users: NumberUsersTable;
  contacts: ContactsTable;
  calls: CallsTable;
  call_comments: CallCommentsTable;
  coaching_sessions: CoachingSessionsTable;
  coaching_events: CoachingEventsTable;
  coaching_notes: CoachingNotesTable;
}
