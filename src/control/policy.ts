// The supervision policy (SPEC §3): one pure function from data to allowed or a
// refusal code. The API, the web app's disabled Coach button and the media plane
// all obey its answer.
import { type CoachRefusalCode, errorMessage } from "../protocol/errors.ts";
import type { CallState, CoachPermission, MonitoringAccess, Role } from "../protocol/resources.ts";
import { fail } from "./errors.ts";

export interface CoachFacts {
  id: string;
  role: Role;
  monitoringAccess: MonitoringAccess;
  /** The live call this user is on as agent, if any. */
  liveCallId: string | null;
  /** The call this user is coaching right now, if any. */
  coachingCallId: string | null;
}

export interface CallFacts {
  id: string;
  state: CallState;
  agentId: string | null;
  /** The line distribution of the call's number. */
  numberUserIds: readonly string[];
  emergency: boolean;
  conference: boolean;
  externalTransfer: boolean;
  /** The coach of the call's active session, if any. */
  activeCoachId: string | null;
}

export type PolicyAnswer = { allowed: true } | { allowed: false; code: CoachRefusalCode };

/**
 * May `coach` start coaching `call`? Checks run from the most permanent reason to the
 * most passing one, so the Coach button explains what the supervisor can act on.
 */
export function canStartCoaching(coach: CoachFacts, call: CallFacts): PolicyAnswer {
  const refuse = (code: CoachRefusalCode): PolicyAnswer => ({ allowed: false, code });
  if (coach.role !== "admin" && coach.role !== "supervisor") return refuse("role_not_allowed");
  if (coach.monitoringAccess === "none") return refuse("no_monitoring_access");
  if (call.emergency) return refuse("emergency_call");
  if (call.conference) return refuse("conference_call");
  if (call.externalTransfer) return refuse("external_transfer");
  if (coach.role === "supervisor" && !call.numberUserIds.includes(coach.id))
    return refuse("not_in_line_distribution");
  if (call.agentId === coach.id) return refuse("coach_on_call");
  if (!isLive(call.state) || call.agentId === null) return refuse("call_not_live");
  if (call.activeCoachId !== null) return refuse("call_already_coached");
  if (coach.liveCallId !== null) return refuse("coach_on_call");
  if (coach.coachingCallId !== null) return refuse("coach_busy");
  return { allowed: true };
}

export function isLive(state: CallState): boolean {
  return state === "in_progress" || state === "on_hold";
}

/** "Open the target conversation" is offered only to coaches in the number's distribution. */
export function canOpenConversation(coach: CoachFacts, call: CallFacts): boolean {
  return call.numberUserIds.includes(coach.id);
}

export function canBarge(coach: Pick<CoachFacts, "monitoringAccess">): boolean {
  return coach.monitoringAccess === "live_monitoring_plus";
}

/** Who may see Live Monitoring at all. */
export function canMonitor(user: { role: Role; monitoringAccess: MonitoringAccess }): boolean {
  return user.role !== "agent" && user.monitoringAccess !== "none";
}

/** The Coach button's state for one user and one call, as the API hands it to clients. */
export function coachPermission(coach: CoachFacts, call: CallFacts): CoachPermission {
  const answer = canStartCoaching(coach, call);
  return {
    allowed: answer.allowed,
    code: answer.allowed ? null : answer.code,
    message: answer.allowed ? null : errorMessage(answer.code),
    canOpenConversation: canOpenConversation(coach, call),
    canBarge: canBarge(coach),
  };
}

/** Directory writes (users, numbers, contacts, webhooks) are the admins'. */
export function requireAdmin(viewer: { role: Role }): void {
  if (viewer.role !== "admin") fail("forbidden", "Only admins can do this.");
}
