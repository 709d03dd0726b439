// The server's refusals in the user's language, by error code (src/protocol/errors.ts): a
// Record over ErrorCode, so a code added to the registry without its two sentences fails the
// type-check. The server's own English message is shown only for a code this build does not know.
import { type ErrorCode, isErrorCode } from "../../../../src/protocol/errors.ts";
import { ApiFailure, type FieldRule } from "./api.ts";

export type Lang = "en" | "es";

export const errorsEn: Record<ErrorCode, string> = {
  role_not_allowed: "Only admins and supervisors can coach calls.",
  no_monitoring_access: "Coaching needs Live Monitoring or Live Monitoring+ access.",
  not_in_line_distribution: "Supervisors can only coach calls on numbers of their line distribution.",
  call_not_live: "Only a live call between an agent and a customer can be coached.",
  emergency_call: "Emergency calls can never be coached.",
  conference_call: "Conference calls cannot be coached.",
  external_transfer: "Calls transferred to an external number cannot be coached.",
  call_already_coached: "Someone is already coaching this call.",
  coach_busy: "You are already coaching another call.",
  coach_on_call: "You cannot coach while you are on a call, nor your own call.",
  barge_not_allowed: "Barge needs Live Monitoring+ access.",
  cannot_remove_coach: "The coached agent cannot remove the coach.",
  bad_request: "The request is malformed.",
  validation_failed: "The request does not match the expected shape.",
  payload_too_large: "The request is too large.",
  unauthenticated: "Sign in first.",
  invalid_credentials: "Wrong email or password.",
  forbidden: "You are not allowed to do this.",
  not_found: "No such resource.",
  conflict: "This cannot be done in the current state.",
  invalid_transition: "The call cannot do this in its current state.",
  already_answered: "Someone else already answered this call.",
  not_ringing_for_you: "This call is not ringing for you.",
  session_ended: "This coaching session has already ended.",
  call_not_ended: "You can leave a coaching note only after the call has ended.",
  user_unavailable: "That user is not available.",
  user_busy: "That user is on another call or already has a call ringing.",
  user_offline: "That user is not signed in, so the transfer cannot ring them.",
  transfer_pending: "A transfer of this call is ringing; wait for it or cancel it.",
  no_transfer_offered: "No transfer of this call is ringing.",
  no_available_user: "Nobody in the line distribution is available.",
  email_taken: "A user with that email already exists.",
  invalid_phone_number:
    "Enter the number in international format: + and the country code, then the number (8 to 15 digits in all), or an emergency number.",
  webhook_url_refused:
    "Webhooks may not point to loopback, private, link-local or other non-public addresses (the operator can allow them with EARSHOT_WEBHOOK_ALLOW_PRIVATE=1).",
  server_secret_required:
    "Webhooks need EARSHOT_SECRET on the server (the same value on every node); ask the operator to set it and restart.",
  password_too_short: "Passwords need at least 10 characters.",
  password_too_common:
    "That password is one of the most common ones, which attackers try first; choose another.",
  invalid_current_password: "The current password is wrong.",
  setup_link_invalid:
    "This set-up link is not valid: it was used already, a newer one was printed, or the server has users.",
  rate_limited: "Too many requests; wait a moment and try again.",
  number_busy: "This number has too many calls waiting to be answered; please try again in a few minutes.",
  internal: "Something went wrong on the server.",
  storage_unavailable: "The database is unavailable right now; try again shortly.",
  signalling_error: "The server refused the audio connection request.",
  media_unavailable: "The server could not set up audio for this call.",
  media_ports_exhausted: "The server has no free audio port left; try again shortly.",
};

export const errorsEs: Record<ErrorCode, string> = {
  role_not_allowed: "Solo los administradores y los supervisores pueden supervisar llamadas.",
  no_monitoring_access: "Para supervisar necesitas acceso a Supervisión en vivo o Supervisión en vivo+.",
  not_in_line_distribution:
    "Los supervisores solo pueden supervisar llamadas de los números de su distribución de líneas.",
  call_not_live: "Solo se puede supervisar una llamada en curso entre un agente y un cliente.",
  emergency_call: "Las llamadas de emergencia no se pueden supervisar nunca.",
  conference_call: "Las llamadas en conferencia no se pueden supervisar.",
  external_transfer: "Las llamadas transferidas a un número externo no se pueden supervisar.",
  call_already_coached: "Otra persona ya está supervisando esta llamada.",
  coach_busy: "Ya estás supervisando otra llamada.",
  coach_on_call: "No puedes supervisar mientras estás en una llamada, ni tu propia llamada.",
  barge_not_allowed: "Para intervenir necesitas acceso a Supervisión en vivo+.",
  cannot_remove_coach: "El agente supervisado no puede retirar al supervisor.",
  bad_request: "La solicitud no es válida.",
  validation_failed: "La solicitud no tiene la forma esperada.",
  payload_too_large: "La solicitud es demasiado grande.",
  unauthenticated: "Primero inicia sesión.",
  invalid_credentials: "Correo electrónico o contraseña incorrectos.",
  forbidden: "No tienes permiso para hacer esto.",
  not_found: "No existe ese recurso.",
  conflict: "No se puede hacer en el estado actual.",
  invalid_transition: "La llamada no puede hacer esto en su estado actual.",
  already_answered: "Otra persona ya ha contestado esta llamada.",
  not_ringing_for_you: "Esta llamada no está sonando para ti.",
  session_ended: "Esta sesión de supervisión ya ha terminado.",
  call_not_ended: "Solo puedes dejar una nota de coaching cuando la llamada haya terminado.",
  user_unavailable: "Ese usuario no está disponible.",
  user_busy: "Ese usuario está en otra llamada o ya tiene una llamada sonando.",
  user_offline: "Ese usuario no ha iniciado sesión, así que la transferencia no puede sonarle.",
  transfer_pending: "Hay una transferencia de esta llamada sonando; espera o cancélala.",
  no_transfer_offered: "No hay ninguna transferencia de esta llamada sonando.",
  no_available_user: "No hay nadie disponible en la distribución de líneas.",
  email_taken: "Ya existe un usuario con ese correo electrónico.",
  invalid_phone_number:
    "Escribe el número en formato internacional: + y el prefijo del país, y luego el número (de 8 a 15 dígitos en total), o un número de emergencia.",
  webhook_url_refused:
    "Los webhooks no pueden apuntar a direcciones de loopback, privadas, de enlace local ni a otras no públicas (el operador puede permitirlas con EARSHOT_WEBHOOK_ALLOW_PRIVATE=1).",
  server_secret_required:
    "Los webhooks necesitan EARSHOT_SECRET en el servidor (el mismo valor en todos los nodos); pide al operador que lo configure y reinicie el servidor.",
  password_too_short: "La contraseña necesita al menos 10 caracteres.",
  password_too_common:
    "Esa contraseña es una de las más comunes, las primeras que prueban los atacantes; elige otra.",
  invalid_current_password: "La contraseña actual no es correcta.",
  setup_link_invalid:
    "Este enlace de configuración no es válido: ya se usó, se mostró uno más reciente o el servidor ya tiene usuarios.",
  rate_limited: "Demasiadas solicitudes; espera un momento y vuelve a intentarlo.",
  number_busy: "Este número tiene demasiadas llamadas en espera; vuelve a intentarlo dentro de unos minutos.",
  internal: "Se ha producido un error en el servidor.",
  storage_unavailable: "La base de datos no está disponible ahora mismo; vuelve a intentarlo en breve.",
  signalling_error: "El servidor ha rechazado la solicitud de conexión de audio.",
  media_unavailable: "El servidor no ha podido establecer el audio de esta llamada.",
  media_ports_exhausted: "El servidor no tiene puertos de audio libres; vuelve a intentarlo en breve.",
};

const FIELDS: Record<Lang, Record<string, string>> = {
  en: {
    email: "Email",
    password: "Password",
    currentPassword: "Current password",
    newPassword: "New password",
    name: "Name",
    orgName: "Organisation",
    to: "Number",
    number: "Number",
    toNumber: "Number",
    e164: "Phone number",
    phoneNumbers: "Phone numbers",
    text: "Text",
    tag: "Tag",
    url: "URL",
    company: "Company",
    notes: "Notes",
  },
  es: {
    email: "Correo electrónico",
    password: "Contraseña",
    currentPassword: "Contraseña actual",
    newPassword: "Contraseña nueva",
    name: "Nombre",
    orgName: "Organización",
    to: "Número",
    number: "Número",
    toNumber: "Número",
    e164: "Número de teléfono",
    phoneNumbers: "Números de teléfono",
    text: "Texto",
    tag: "Etiqueta",
    url: "URL",
    company: "Empresa",
    notes: "Notas",
  },
};

const RULES: Record<Lang, Record<string, string>> = {
  en: {
    minLength: "{field} needs at least {limit} characters.",
    maxLength: "{field} takes at most {limit} characters.",
    format: "{field} is not in a valid format.",
    pattern: "{field} is not in a valid format.",
    required: "{field} is required.",
    minItems: "{field}: give at least {limit}.",
    maxItems: "{field}: give at most {limit}.",
    other: "{field} is not valid.",
  },
  es: {
    minLength: "«{field}» necesita al menos {limit} caracteres.",
    maxLength: "«{field}» admite como máximo {limit} caracteres.",
    format: "«{field}» no tiene un formato válido.",
    pattern: "«{field}» no tiene un formato válido.",
    required: "El campo «{field}» es obligatorio.",
    minItems: "«{field}»: indica al menos {limit}.",
    maxItems: "«{field}»: indica como máximo {limit}.",
    other: "El valor de «{field}» no es válido.",
  },
};

/** One sentence for a field-level validation failure, in `lang`. */
export function fieldSentence(lang: Lang, f: FieldRule): string {
  const field = FIELDS[lang][f.field] ?? f.field;
  const template = RULES[lang][f.rule] ?? RULES[lang].other;
  return template.replace("{field}", field).replace("{limit}", String(f.limit ?? ""));
}

/** A server error code (or a failure carrying one) in `lang`; other failures keep their message. */
export function errorText(lang: Lang, error: unknown): string {
  const dict = lang === "es" ? errorsEs : errorsEn;
  if (typeof error === "string") return isErrorCode(error) ? dict[error] : error;
  if (error instanceof ApiFailure) {
    if (error.field) return fieldSentence(lang, error.field);
    if (isErrorCode(error.code)) return dict[error.code];
  }
  return error instanceof Error ? error.message : String(error);
}
