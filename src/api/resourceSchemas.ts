// The resources of src/protocol/resources.ts as TypeBox schemas (one each, named by $id): the
// 2xx response schemas of the routes, the OpenAPI document's components, and so the web app's
// generated client (web/app/src/shared/api.gen.ts, `npm run gen:api`). Fastify serialises a
// response with its schema (fast-json-stringify drops every property the schema does not name),
// so each schema is checked against its interface at compile time (`same` below): a field added
// to the interface and not here fails tsc instead of vanishing from the answers.
import { Type } from "@sinclair/typebox";
import { WEBHOOK_EVENTS } from "../control/model.ts";
import type { WebhookView } from "../control/Webhooks.ts";
import {
  AGENT_STATES,
  type Call,
  type CallComment,
  type CallGrants,
  type CallQuality,
  type CoachingMessage,
  type CoachingNote,
  type CoachingSession,
  type Contact,
  type Grant,
  type Hearing,
  type LegQuality,
  type PhoneNumber,
  type SessionEndingGrant,
  type User,
  type UserGrants,
  type WidgetCall,
} from "../protocol/resources.ts";
import type { CallTransfer } from "../protocol/transfers.ts";
import { literals, NullableStr, nullable, object, ref, Str, same } from "./schemaKit.ts";
import { Access, Mode, Role } from "./schemas.ts";
import {
  LiveStatsSchema,
  LoopDelaySummarySchema,
  MediaWorkerStatsSchema,
  MediaWorkersViewSchema,
  NumberStatsSchema,
  PeriodStatsSchema,
} from "./statsSchemas.ts";

export { ref };

const GRANT = { allowed: Type.Boolean(), code: NullableStr, message: NullableStr };
export const GrantSchema = object("Grant", GRANT);
const grant = ref(GrantSchema);
const endsCoaching = Type.Boolean();
export const SessionEndingGrantSchema = object("SessionEndingGrant", { ...GRANT, endsCoaching });
export const UserGrantsSchema = object("UserGrants", { monitor: grant, administer: grant });
export const CallGrantsSchema = object("CallGrants", {
  coach: grant,
  barge: grant,
  openConversation: grant,
  answer: grant,
  hold: grant,
  resume: grant,
  mute: grant,
  unmute: grant,
  transfer: ref(SessionEndingGrantSchema),
  addParty: ref(SessionEndingGrantSchema),
  raiseHand: grant,
  acceptTransfer: grant,
  declineTransfer: grant,
  cancelTransfer: grant,
  hangUp: grant,
  tag: grant,
  comment: grant,
  coachingNote: grant,
});

export const UserSchema = object("User", {
  id: Str,
  orgId: Str,
  email: Str,
  name: Str,
  role: Role,
  monitoringAccess: Access,
  availability: literals(["available", "unavailable"]),
  currentCallId: NullableStr,
  coachingSessionId: NullableStr,
  grants: ref(UserGrantsSchema),
  state: literals(AGENT_STATES),
  stateSince: Str,
});

export const PhoneNumberSchema = object("PhoneNumber", {
  id: Str,
  orgId: Str,
  name: Str,
  e164: Str,
  userIds: Type.Array(Str),
  maxWaitS: Type.Integer(),
});

export const ContactSchema = object("Contact", {
  id: Str,
  orgId: Str,
  name: Str,
  phoneNumbers: Type.Array(Str),
  company: NullableStr,
  notes: NullableStr,
});

export const CallCommentSchema = object("CallComment", {
  id: Str,
  authorId: Str,
  text: Str,
  createdAt: Str,
});

export const HearingSchema = object("Hearing", {
  agentHearsCoach: Type.Boolean(),
  customerHearsCoach: Type.Boolean(),
  coachHearsCustomer: Type.Boolean(),
  coachHearsAgent: Type.Boolean(),
});

export const LegQualitySchema = object("LegQuality", {
  lossPct: Type.Number(),
  jitterMs: Type.Number(),
  rttMs: nullable(Type.Number()),
  mos: Type.Number(),
  poor: Type.Boolean(),
});

export const CallQualitySchema = object("CallQuality", {
  customer: nullable(ref(LegQualitySchema)),
  agent: nullable(ref(LegQualitySchema)),
  coach: nullable(ref(LegQualitySchema)),
});

export const CoachingMessageSchema = object("CoachingMessage", { at: Str, text: Str });

export const CoachingNoteSchema = object("CoachingNote", {
  id: Str,
  sessionId: Str,
  authorId: Str,
  authorName: Str,
  text: Str,
  createdAt: Str,
});

const COACHING_END_REASONS = [
  "coach_left",
  "removed_by_admin",
  "call_ended",
  "transferred",
  "conference",
  "external_transfer",
  "connection_lost",
  "permission_changed",
  "agent_disconnected",
] as const;

export const CoachingSessionSchema = object("CoachingSession", {
  id: Str,
  orgId: Str,
  callId: Str,
  coachId: Str,
  coachName: Str,
  agentId: Str,
  mode: Mode,
  modesUsed: Type.Array(Mode),
  notifyUser: Type.Boolean(),
  openConversation: Type.Boolean(),
  agentAwareAt: NullableStr,
  startedAt: Str,
  endedAt: NullableStr,
  endReason: nullable(literals(COACHING_END_REASONS)),
  durationMs: nullable(Type.Number()),
  messages: Type.Array(ref(CoachingMessageSchema)),
  notes: Type.Array(ref(CoachingNoteSchema)),
  hearing: ref(HearingSchema),
});

export const CallTransferSchema = object("CallTransfer", {
  fromUserId: Str,
  toUserId: Str,
  state: literals(["ringing", "declined", "no_answer", "cancelled"]),
  at: Str,
});

const CallStateSchema = literals(["ringing", "in_progress", "on_hold", "ended"]);

export const CallSchema = object("Call", {
  id: Str,
  orgId: Str,
  direction: literals(["inbound", "outbound"]),
  state: CallStateSchema,
  numberId: Str,
  agentId: NullableStr,
  ringingUserIds: Type.Array(Str),
  queuedAt: NullableStr,
  queuePosition: nullable(Type.Integer()),
  customerNumber: Str,
  contactId: NullableStr,
  contactName: NullableStr,
  emergency: Type.Boolean(),
  conference: Type.Boolean(),
  thirdParty: NullableStr,
  externalTransfer: Type.Boolean(),
  transferredTo: NullableStr,
  transfer: nullable(ref(CallTransferSchema)),
  agentMuted: Type.Boolean(),
  customerChannel: literals(["demo", "widget", "sip"]),
  tags: Type.Array(Str),
  comments: Type.Array(ref(CallCommentSchema)),
  handRaised: Type.Boolean(),
  createdAt: Str,
  answeredAt: NullableStr,
  endedAt: NullableStr,
  endReason: NullableStr,
  coachingSession: nullable(ref(CoachingSessionSchema)),
  quality: nullable(ref(CallQualitySchema)),
  coachingSessions: Type.Optional(Type.Array(ref(CoachingSessionSchema))),
  coach: Type.Optional(grant),
  grants: Type.Optional(ref(CallGrantsSchema)),
});

export const WidgetCallSchema = object(
  "WidgetCall",
  { id: Str, state: CallStateSchema, numberId: Str, queuePosition: nullable(Type.Integer()) },
  "The customer's own call, as their widget learns it",
);

/** A webhook registration as admins see it (control/Webhooks.ts WebhookView). */
export const WebhookSchema = object("Webhook", {
  id: Str,
  url: Str,
  events: Type.Array(literals(WEBHOOK_EVENTS)),
  createdAt: Str,
  lastStatus: NullableStr,
  lastAttemptAt: NullableStr,
});

same<typeof GrantSchema, Grant>(true);
same<typeof SessionEndingGrantSchema, SessionEndingGrant>(true);
same<typeof UserGrantsSchema, UserGrants>(true);
same<typeof CallGrantsSchema, CallGrants>(true);
same<typeof UserSchema, User>(true);
same<typeof PhoneNumberSchema, PhoneNumber>(true);
same<typeof ContactSchema, Contact>(true);
same<typeof CallCommentSchema, CallComment>(true);
same<typeof HearingSchema, Hearing>(true);
same<typeof LegQualitySchema, LegQuality>(true);
same<typeof CallQualitySchema, CallQuality>(true);
same<typeof CoachingMessageSchema, CoachingMessage>(true);
same<typeof CoachingNoteSchema, CoachingNote>(true);
same<typeof CoachingSessionSchema, CoachingSession>(true);
same<typeof CallTransferSchema, CallTransfer>(true);
same<typeof CallSchema, Call>(true);
same<typeof WidgetCallSchema, WidgetCall>(true);
same<typeof WebhookSchema, WebhookView>(true);

/** Every named schema, in dependency order (Fastify's addSchema). */
export const RESOURCE_SCHEMAS = [
  GrantSchema,
  SessionEndingGrantSchema,
  UserGrantsSchema,
  CallGrantsSchema,
  UserSchema,
  PhoneNumberSchema,
  ContactSchema,
  CallCommentSchema,
  HearingSchema,
  LegQualitySchema,
  CallQualitySchema,
  CoachingMessageSchema,
  CoachingNoteSchema,
  CoachingSessionSchema,
  CallTransferSchema,
  CallSchema,
  WidgetCallSchema,
  PeriodStatsSchema,
  NumberStatsSchema,
  LiveStatsSchema,
  LoopDelaySummarySchema,
  MediaWorkerStatsSchema,
  MediaWorkersViewSchema,
  WebhookSchema,
];
