// Request schemas (TypeBox → JSON Schema): Fastify validates with them and the OpenAPI
// document is generated from them, so the two never disagree.
import { type TSchema, Type } from "@sinclair/typebox";
import { COACHING_NOTE_MAX, HISTORY_PAGE, MAX_WAIT_S } from "../protocol/calls.ts";

const Str = (min: number, max: number, extra: object = {}) =>
  Type.String({ minLength: min, maxLength: max, ...extra });

export const Id = Str(1, 64, { pattern: "^[A-Za-z0-9-]+$" });
export const IdParams = Type.Object({ id: Id }, { additionalProperties: false });
export const Email = Str(3, 254, { format: "email" });
export const Phone = Str(2, 32, {
  pattern: "^\\+?[0-9*#]{2,31}$",
  description: "A dialable number, e.g. +34600111222",
});
export const Role = Type.Union([Type.Literal("admin"), Type.Literal("supervisor"), Type.Literal("agent")]);
export const Access = Type.Union([
  Type.Literal("none"),
  Type.Literal("live_monitoring"),
  Type.Literal("live_monitoring_plus"),
]);
export const Mode = Type.Union([Type.Literal("listen"), Type.Literal("whisper"), Type.Literal("barge")]);

const body = <T extends Record<string, TSchema>>(props: T) =>
  Type.Object(props, { additionalProperties: false });

export const LoginBody = body({ email: Str(1, 254), password: Str(1, 200) });
export const AvailabilityBody = body({
  availability: Type.Union([Type.Literal("available"), Type.Literal("unavailable")]),
});
// Passwords: the length and common-password rules give their own clear 400 (passwordRules.ts).
const Password = Str(1, 200);
export const PasswordBody = body({ currentPassword: Str(1, 200), newPassword: Password });
export const SetupBody = body({
  token: Str(1, 200),
  orgName: Str(1, 100),
  name: Str(1, 100),
  email: Email,
  password: Password,
});
export const NewUserBody = body({
  email: Email,
  name: Str(1, 100),
  password: Password,
  role: Role,
  monitoringAccess: Access,
});
export const UserPatchBody = body({
  email: Type.Optional(Email),
  name: Type.Optional(Str(1, 100)),
  password: Type.Optional(Password),
  role: Type.Optional(Role),
  monitoringAccess: Type.Optional(Access),
});
/** A number's maximum wait before a queued call ends (queue_timeout), seconds. */
const MaxWait = Type.Integer({ minimum: MAX_WAIT_S.min, maximum: MAX_WAIT_S.max });
export const NumberBody = body({
  name: Str(1, 100),
  e164: Phone,
  userIds: Type.Array(Id, { maxItems: 500 }),
  maxWaitS: Type.Optional(MaxWait),
});
export const NumberPatchBody = body({
  name: Type.Optional(Str(1, 100)),
  e164: Type.Optional(Phone),
  userIds: Type.Optional(Type.Array(Id, { maxItems: 500 })),
  maxWaitS: Type.Optional(MaxWait),
});
export const ContactBody = body({
  name: Str(1, 200),
  phoneNumbers: Type.Array(Phone, { maxItems: 20 }),
  company: Type.Optional(Type.Union([Str(0, 200), Type.Null()])),
  notes: Type.Optional(Type.Union([Str(0, 2000), Type.Null()])),
});
export const ContactPatchBody = Type.Partial(ContactBody, { additionalProperties: false });
export const CallsQuery = Type.Object(
  {
    live: Type.Optional(Type.Union([Type.Literal("true"), Type.Literal("false")])),
    // The history (without live=true): narrowed by one agent, contact or number, paged.
    agentId: Type.Optional(Id),
    contactId: Type.Optional(Id),
    numberId: Type.Optional(Id),
    before: Type.Optional(
      Str(20, 100, {
        pattern: "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,6})?Z(~[A-Za-z0-9-]{1,64})?$",
        description: "A page's nextBefore, or a UTC time (…Z): the calls created before it",
      }),
    ),
    limit: Type.Optional(
      Str(1, 3, { pattern: `^([1-9][0-9]?|${HISTORY_PAGE.max})$`, description: "1–100, default 25" }),
    ),
  },
  { additionalProperties: false },
);
export const OutboundBody = body({ numberId: Id, to: Phone });
export const DemoCallBody = body({ numberId: Id, from: Type.Optional(Phone) });
export const TransferBody = Type.Union([body({ toUserId: Id }), body({ toNumber: Phone })]);
export const TagBody = body({ tag: Str(1, 40) });
export const CommentBody = body({ text: Str(1, 2000) });
export const ParticipantBody = body({ number: Phone });
export const HandBody = body({ raised: Type.Boolean() });
export const CoachingBody = body({
  notifyUser: Type.Optional(Type.Boolean({ default: false })),
  openConversation: Type.Optional(Type.Boolean({ default: false })),
  /** The mode to start in (default listen): a one-click Whisper or Barge is one request. */
  mode: Type.Optional(Mode),
});
export const ModeBody = body({ mode: Mode });
export const MessageBody = body({ text: Str(1, 500) });
/** A coaching note: some text that is not only spaces. */
export const NoteBody = body({ text: Str(1, COACHING_NOTE_MAX, { pattern: "\\S" }) });
export const SessionsQuery = Type.Object(
  {
    coachId: Type.Optional(Id),
    agentId: Type.Optional(Id),
    callId: Type.Optional(Id),
    from: Type.Optional(Str(1, 40, { format: "date-time" })),
    to: Type.Optional(Str(1, 40, { format: "date-time" })),
    limit: Type.Optional(Str(1, 4, { pattern: "^[0-9]+$" })),
  },
  { additionalProperties: false },
);
export const WidgetCallBody = body({ numberId: Id });
export const WebhookBody = body({
  url: Str(8, 2000),
  events: Type.Array(
    Type.Union(
      [
        "coaching.started",
        "coaching.mode_changed",
        "coaching.ended",
        "call.started",
        "call.ended",
        "hand.raised",
      ].map((e) => Type.Literal(e)),
    ),
    { minItems: 1, maxItems: 6 },
  ),
});

/**
 * Every refusal's body (src/api/errors.ts sendError), declared as each route's 4xx and 5xx
 * response so the OpenAPI document describes the errors. Fastify serialises with this schema
 * (fast-json-stringify drops what it does not name): keep it equal to what sendError sends.
 */
export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: "A code of src/protocol/errors.ts (the client translates it)" }),
      message: Type.String({ description: "The server's English sentence" }),
      field: Type.Optional(
        Type.String({ description: "validation_failed: the first field that broke a rule" }),
      ),
      rule: Type.Optional(Type.String({ description: "validation_failed: the JSON Schema rule it broke" })),
      limit: Type.Optional(Type.Number({ description: "validation_failed: the rule's limit" })),
    }),
  },
  { $id: "Error" },
);
