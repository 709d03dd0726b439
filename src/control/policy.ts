// The supervision policy (SPEC §3): one pure function from data to allowed or a
// refusal code. The API, the web app's disabled Coach button and the media plane
// all obey its answer.
import { isLive } from "../protocol/calls.ts";
import type { CoachRefusalCode } from "../protocol/errors.ts";
import type { CallState, MonitoringAccess, Role } from "../protocol/resources.ts";

export interface CoachFacts {
  id: string;
  role: Role;
  monitoringAccess: MonitoringAccess;
  /** The live call this user is on as agent, if any. */
  liveCallId: string | null;
  /** The coaching session this user runs right now, if any (User.coachingSessionId). */
  coachingSessionId: string | null;
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
  if (coach.coachingSessionId !== null) return refuse("coach_busy");
  return { allowed: true };
}

/**
 * "On a call": the user is the agent of a live call that was not handed to an external
 * number. The one definition; the store narrows its query by agent and unended state and
 * asks this (KyselyStore.liveCallOfAgent), the users list asks it too.
 */
export function isAgentOnCall(
  call: { state: CallState; agentId: string | null; externalTransfer: boolean },
  userId: string,
): boolean {
  return call.agentId === userId && isLive(call.state) && !call.externalTransfer;
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

/**
 * May `viewerId` know of the coaching `session` (SPEC §3: the agent learns of a coach at join
 * when Notify user was chosen, or the moment the coach first becomes audible — agentAwareAt)?
 * Everyone else who may see the call may; its agent only once aware, whatever their role (an
 * agent is never a monitor of their own call). Events (publisher.viewFor) and the Call resource
 * (presenter.callSeenBy) both ask this; a client hiding it is not enough.
 */
export function agentMayKnow(
  session: { agentId: string; agentAwareAt: Date | string | null },
  viewerId: string,
): boolean {
  return session.agentId !== viewerId || session.agentAwareAt !== null;
}
