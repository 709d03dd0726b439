// The one registry of error codes: each has an HTTP status and a human sentence.
// The API, the WebSocket channel and the web app's disabled Coach button all use it.

export const ERRORS = {
  // Supervision rules (SPEC §3)
  role_not_allowed: { status: 403, message: "Only admins and supervisors can coach calls." },
  no_monitoring_access: {
    status: 403,
    message: "Coaching needs Live Monitoring or Live Monitoring+ access.",
  },
  not_in_line_distribution: {
    status: 403,
    message: "Supervisors can only coach calls on numbers of their line distribution.",
  },
  call_not_live: { status: 409, message: "Only a live call between an agent and a customer can be coached." },
  emergency_call: { status: 409, message: "Emergency calls can never be coached." },
  conference_call: { status: 409, message: "Conference calls cannot be coached." },
  external_transfer: { status: 409, message: "Calls transferred to an external number cannot be coached." },
  call_already_coached: { status: 409, message: "Someone is already coaching this call." },
  coach_busy: { status: 409, message: "You are already coaching another call." },
  coach_on_call: { status: 409, message: "You cannot coach while you are on a call, nor your own call." },
  barge_not_allowed: { status: 403, message: "Barge needs Live Monitoring+ access." },
  cannot_remove_coach: { status: 403, message: "The coached agent cannot remove the coach." },

  // Generic
  bad_request: { status: 400, message: "The request is malformed." },
  validation_failed: { status: 400, message: "The request does not match the expected shape." },
  payload_too_large: { status: 413, message: "The request body is too large." },
  unauthenticated: { status: 401, message: "Sign in first." },
  invalid_credentials: { status: 401, message: "Wrong email or password." },
  forbidden: { status: 403, message: "You are not allowed to do this." },
  not_found: { status: 404, message: "No such resource." },
  conflict: { status: 409, message: "The resource is in a state that does not allow this." },
  invalid_transition: { status: 409, message: "The call cannot do this in its current state." },
  already_answered: { status: 409, message: "Someone else already answered this call." },
  not_ringing_for_you: { status: 409, message: "This call is not ringing for you." },
  session_ended: { status: 409, message: "This coaching session has already ended." },
  call_not_ended: { status: 409, message: "A coaching note can be left only after the call has ended." },
  user_unavailable: { status: 409, message: "That user is not available." },
  user_busy: { status: 409, message: "That user is on another call or already has a call ringing." },
  user_offline: { status: 409, message: "That user is not signed in, so the transfer cannot ring them." },
  transfer_pending: { status: 409, message: "A transfer of this call is ringing; wait for it or cancel it." },
  no_transfer_offered: { status: 409, message: "No transfer of this call is ringing." },
  no_available_user: { status: 409, message: "Nobody in the line distribution is available." },
  email_taken: { status: 409, message: "A user with that email already exists." },
  invalid_phone_number: {
    status: 400,
    message:
      "Enter the number in international format: + and the country code, then the number (8 to 15 digits in all), or an emergency number.",
  },
  webhook_url_refused: {
    status: 400,
    message:
      "Webhooks may not point to loopback, private, link-local or other non-public addresses (the operator can allow them with EARSHOT_WEBHOOK_ALLOW_PRIVATE=1).",
  },
  server_secret_required: {
    status: 409,
    message:
      "Webhooks need EARSHOT_SECRET on the server: their signing secrets are stored encrypted with a key derived from it. Set it (the same value on every node) and restart.",
  },
  password_too_short: { status: 400, message: "Passwords need at least 10 characters." },
  password_too_common: {
    status: 400,
    message: "That password is one of the most common ones, which attackers try first; choose another.",
  },
  invalid_current_password: { status: 403, message: "The current password is wrong." },
  setup_link_invalid: {
    status: 403,
    message:
      "This set-up link is not valid: it was used already, a newer one was printed, or the server has users.",
  },
  rate_limited: { status: 429, message: "Too many requests; slow down." },
  number_busy: {
    status: 503,
    message: "This number has too many calls waiting to be answered; please try again in a few minutes.",
  },
  internal: { status: 500, message: "Something went wrong on the server." },
  storage_unavailable: { status: 503, message: "The database is unavailable right now; try again shortly." },
  signalling_error: { status: 400, message: "The signalling message was refused." },
  media_unavailable: { status: 503, message: "The media plane could not set up audio for this leg." },
  media_ports_exhausted: {
    status: 503,
    message: "The media plane has no free UDP port left in its range (EARSHOT_MEDIA_PORTS).",
  },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** The codes of SPEC §3's supervision rules, in the order the policy checks them. */
export type CoachRefusalCode =
  | "role_not_allowed"
  | "no_monitoring_access"
  | "coach_busy"
  | "coach_on_call"
  | "call_not_live"
  | "emergency_call"
  | "conference_call"
  | "external_transfer"
  | "not_in_line_distribution"
  | "call_already_coached";

export function errorMessage(code: ErrorCode): string {
  return ERRORS[code].message;
}

export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERRORS, code);
}
