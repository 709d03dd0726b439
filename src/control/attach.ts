// Who may attach which media leg to which call (SPEC §3, §7): one pure function beside the
// policy. The signalling gathers the facts and asks it; nothing else decides.
import type { Refusal } from "./callMachine.ts";
import type { CallRecord } from "./model.ts";

export interface AttachFacts {
  role: string;
  /** The signed-in user attaching, if any (a widget customer has none). */
  userId: string | null;
  /** The call the connection's widget token grants, if any. */
  widgetCallId: string | null;
  call: Pick<CallRecord, "id" | "state" | "agentId" | "externalTransfer"> | undefined;
  /** The coach of the call's active session, if any. */
  sessionCoachId: string | null;
  /** Whether the user may start coaching the call now (the supervision policy). */
  mayStartCoaching: boolean;
}

/**
 * Why the leg may not attach (null: it may). The customer attaches with their call's token; the
 * agent of the call (not once it went to an external number); the coach of the call's session,
 * or "standby" a user the policy lets coach it while no session exists (the leg is silent both
 * ways until a session's routing is applied).
 */
export function attachRefusal(f: AttachFacts): Refusal | null {
  const refuse = (code: Refusal["code"], message: string): Refusal => ({ code, message });
  if (!f.call || f.call.state === "ended") return refuse("signalling_error", "That call is not live.");
  const call = f.call;
  switch (f.role) {
    case "customer":
      return f.widgetCallId === call.id
        ? null
        : refuse("forbidden", "You can only attach audio to your own call.");
    case "agent":
      return f.userId !== null && call.agentId === f.userId && !call.externalTransfer
        ? null
        : refuse("forbidden", "Only the call's agent can attach as agent.");
    case "coach": {
      const own = f.userId !== null && f.sessionCoachId === f.userId;
      const standby = f.userId !== null && f.sessionCoachId === null && f.mayStartCoaching;
      return own || standby
        ? null
        : refuse(
            "forbidden",
            "Only the coach of this call's session, or a user allowed to coach it, can attach as coach.",
          );
    }
    default:
      return refuse("signalling_error", "role must be customer, agent or coach.");
  }
}
