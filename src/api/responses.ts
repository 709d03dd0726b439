// The 2xx bodies of the routes: envelopes around the resources (resourceSchemas.ts) and the few
// answers that are not resources. Each route names its own in `schema.response`; the 4xx and
// 5xx are the Error body, added to every route by http.ts.
import { type Static, type TSchema, Type } from "@sinclair/typebox";
import type { CallPage } from "../control/CallHistory.ts";
import type { IceServers } from "./iceServers.ts";
import {
  CallSchema,
  CoachingMessageSchema,
  CoachingNoteSchema,
  CoachingSessionSchema,
  ContactSchema,
  PhoneNumberSchema,
  ref,
  UserSchema,
  WebhookSchema,
  WidgetCallSchema,
} from "./resourceSchemas.ts";
import type { PublicConfig } from "./services.ts";

const envelope = <P extends Record<string, TSchema>>(props: P) =>
  Type.Object(props, { additionalProperties: false });

/** A 204: no body (the OpenAPI document shows no content). */
export const NoContent = { 204: Type.Null({ description: "No content" }) };

export const UserReply = envelope({ user: ref(UserSchema) });
export const UsersReply = envelope({ users: Type.Array(ref(UserSchema)) });
export const SignedInReply = envelope({ token: Type.String(), user: ref(UserSchema) });
export const NumberReply = envelope({ number: ref(PhoneNumberSchema) });
export const NumbersReply = envelope({ numbers: Type.Array(ref(PhoneNumberSchema)) });
export const ContactReply = envelope({ contact: ref(ContactSchema) });
export const ContactsReply = envelope({ contacts: Type.Array(ref(ContactSchema)) });
export const CallReply = envelope({ call: ref(CallSchema) });
/** The live calls (`nextBefore` null), or a page of the call history. */
export const CallsReply = envelope({
  calls: Type.Array(ref(CallSchema)),
  nextBefore: Type.Union([Type.String(), Type.Null()], {
    description: "The `before` of the next, older page of the history; null when there is none",
  }),
});
export const SessionReply = envelope({ session: ref(CoachingSessionSchema) });
export const SessionsReply = envelope({ sessions: Type.Array(ref(CoachingSessionSchema)) });
export const MessageReply = envelope({ message: ref(CoachingMessageSchema) });
export const NoteReply = envelope({ note: ref(CoachingNoteSchema) });
export const WebhooksReply = envelope({ webhooks: Type.Array(ref(WebhookSchema)) });
/** At creation only, the registration with its signing secret. */
export const NewWebhookReply = envelope({
  webhook: envelope({ ...WebhookSchema.properties, secret: Type.String() }),
});

export const HealthReply = envelope({ status: Type.Literal("ok") });
const Check = Type.Union([Type.Literal("ok"), Type.Literal("fail")]);
export const ReadyReply = envelope({
  status: Type.Union([Type.Literal("ready"), Type.Literal("unavailable")]),
  checks: envelope({ database: Check, redis: Type.Optional(Check) }),
});
export const PublicConfigReply = envelope({
  demo: Type.Boolean(),
  demoLogins: Type.Array(envelope({ email: Type.String(), role: Type.String(), name: Type.String() })),
  emergencyNumbers: Type.Array(Type.String()),
  mediaPorts: Type.Union([envelope({ min: Type.Number(), max: Type.Number() }), Type.Null()]),
});
export const WidgetNumberReply = envelope({ number: envelope({ id: Type.String(), name: Type.String() }) });
export const WidgetCallReply = envelope({ call: ref(WidgetCallSchema) });
export const NewWidgetCallReply = envelope({ call: ref(WidgetCallSchema), callToken: Type.String() });
export const OkReply = envelope({ ok: Type.Literal(true) });
export const IceServersReply = envelope({
  iceServers: Type.Array(
    envelope({
      urls: Type.Array(Type.String()),
      username: Type.Optional(Type.String()),
      credential: Type.Optional(Type.String()),
    }),
  ),
  expiresAt: Type.Union([Type.String(), Type.Null()]),
});

// The answers that are not resources, checked against their types like the resources are.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const same = <S extends TSchema, I>(_check: Same<Static<S>, I>): void => {};
same<typeof PublicConfigReply, PublicConfig>(true);
same<typeof IceServersReply, IceServers>(true);
same<typeof CallsReply, CallPage>(true);
