// The resources of src/protocol/resources.ts as TypeBox schemas (one each, named by $id): the
// 2xx response schemas of the routes, the OpenAPI document's components, and so the web app's
// generated client (web/app/src/shared/api.gen.ts, `npm run gen:api`). Fastify serialises a
// response with its schema (fast-json-stringify drops every property the schema does not name),
// so each schema is checked against its interface at compile time (`same` below): a field added
// to the interface and not here fails tsc instead of vanishing from the answers.
import { type Static, type TSchema, Type } from "@sinclair/typebox";
import { WEBHOOK_EVENTS } from "../control/model.ts";
import type { WebhookView } from "../control/Webhooks.ts";
import {
  AGENT_STATES,
  type Call,
  type CallComment,
  type CallGrants,
  type CallQuality,
  type CoachingMessage,
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
import type { LiveStats, NumberStats, PeriodStats } from "../protocol/stats.ts";
import { Access, Mode, Role } from "./schemas.ts";

/** A reference to a named schema (`$ref`), typed as the schema it names. */
export function ref<T extends TSchema>(schema: T) {
  if (!schema.$id) throw new Error("ref() needs a schema with an $id");
  return Type.Unsafe<Static<T>>({ $ref: `${schema.$id}#` });
}

const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const literals = <const L extends readonly string[]>(values: L) =>
  Type.Unsafe<L[number]>(Type.Union(values.map((v) => Type.Literal(v))));
const object = <P extends Parameters<typeof Type.Object>[0]>(id: string, props: P, description?: string) =>
  Type.Object(props, { $id: id, additionalProperties: false, ...(description ? { description } : {}) });
const Str = Type.String();
const NullableStr = nullable(Str);

/**
 * Compile-time: `Static<schema>` and the interface are the same type (each assignable to the
 * other, and the same keys, optional ones included). Nested objects are refs to their own
 * checked schema, so the check covers them too.
 */
type Same<A, B> = [A] extends [B]
  ? [B] extends [A]
    ? [keyof A] extends [keyof B]
      ? [keyof B] extends [keyof A]
        ? true
        : false
      : false
    : false
  : false;
const same = <S extends TSchema, I>(_check: Same<Static<S>, I>): void => {};

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
  hangUp: grant,
  tag: grant,
  comment: grant,
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
  hearing: ref(HearingSchema),
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
  coach: Type.Optional(grant),
  grants: Type.Optional(ref(CallGrantsSchema)),
});

const nullableNum = nullable(Type.Number());

export const PeriodStatsSchema = object("PeriodStats", {
  answered: Type.Number(),
  abandoned: Type.Number(),
  serviceLevel: nullableNum,
  averageSpeedOfAnswerMs: nullableNum,
  averageHandleTimeMs: nullableNum,
});

export const NumberStatsSchema = object("NumberStats", {
  numberId: NullableStr,
  name: Str,
  waiting: Type.Number(),
  longestWaitMs: Type.Number(),
  today: ref(PeriodStatsSchema),
  last15m: ref(PeriodStatsSchema),
});

export const LiveStatsSchema = object("LiveStats", {
  orgId: Str,
  at: Str,
  timeZone: Str,
  dayStart: Str,
  serviceLevelThresholdMs: Type.Number(),
  numbers: Type.Array(ref(NumberStatsSchema)),
  total: ref(NumberStatsSchema),
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
same<typeof CoachingSessionSchema, CoachingSession>(true);
same<typeof CallSchema, Call>(true);
same<typeof WidgetCallSchema, WidgetCall>(true);
same<typeof PeriodStatsSchema, PeriodStats>(true);
same<typeof NumberStatsSchema, NumberStats>(true);
same<typeof LiveStatsSchema, LiveStats>(true);
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
  CoachingSessionSchema,
  CallSchema,
  WidgetCallSchema,
  PeriodStatsSchema,
  NumberStatsSchema,
  LiveStatsSchema,
  WebhookSchema,
];
