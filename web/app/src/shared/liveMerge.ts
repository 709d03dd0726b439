// How the server's events change the live lists (Live applies each as it arrives), and how a
// refetch's answer settles with the events that arrived while it was on its way: an answer asked
// before a change and arriving after it would otherwise put the old state back on screen (a call
// resumed, shown "On hold" again), until some later event. `keepSame` then gives back the
// objects of the calls and users that did not change, so memoised rows (monitoring/CallRow.tsx)
// render only the ones that did.
import type { ServerMessage } from "../../../../src/protocol/messages.ts";
import type { Call, CoachingSession, User } from "../../../../src/protocol/resources.ts";

/** The lists events change. */
export interface Lists {
  me: User | null;
  users: User[];
  calls: Call[];
}

function mergeCall(calls: Call[], call: Call): Call[] {
  const old = calls.find((c) => c.id === call.id);
  // An event carries this viewer's grants (the hub's delivery.ts); one without (none known for
  // this socket yet) keeps the last ones.
  const merged = { ...call, grants: call.grants ?? old?.grants, coach: call.coach ?? old?.coach };
  if (call.state === "ended") return calls.filter((c) => c.id !== call.id);
  return old ? calls.map((c) => (c.id === call.id ? merged : c)) : [merged, ...calls];
}

/** A session's new mode and hearing, shown at once (its call's event brings the grants). */
function mergeSession(calls: Call[], session: CoachingSession): Call[] {
  if (!calls.some((c) => c.id === session.callId)) return calls;
  return calls.map((c) => (c.id === session.callId ? { ...c, coachingSession: session } : c));
}

/** A text whisper added to its session's history (the coach's panel shows it; only coach and agent get it). */
function mergeWhisper(calls: Call[], m: Extract<ServerMessage, { type: "coaching.message" }>): Call[] {
  const call = calls.find((c) => c.id === m.callId);
  const s = call?.coachingSession;
  if (!s || s.id !== m.sessionId || s.messages.some((x) => x.at === m.at && x.text === m.text)) return calls;
  const session = { ...s, messages: [...s.messages, { at: m.at, text: m.text }] };
  return calls.map((c) => (c.id === m.callId ? { ...c, coachingSession: session } : c));
}

/** The lists after one event (the same lists when it changes none of them). */
export function applyEvent(s: Lists, m: ServerMessage): Lists {
  if (m.type === "call.quality") {
    // Every few seconds per call: merged in place.
    return { ...s, calls: s.calls.map((c) => (c.id === m.callId ? { ...c, quality: m.quality } : c)) };
  }
  if (m.type === "numbers.changed") return s; // read again (Live.refetch)
  if (m.type === "user.deleted") {
    const users = s.users.filter((u) => u.id !== m.userId);
    return users.length === s.users.length ? s : { ...s, users };
  }
  if (m.type === "user.updated") {
    const users = s.users.some((u) => u.id === m.user.id)
      ? s.users.map((u) => (u.id === m.user.id ? m.user : u))
      : [...s.users, m.user];
    return { ...s, users, me: s.me?.id === m.user.id ? m.user : s.me };
  }
  if (m.type.startsWith("call.") || m.type.startsWith("coaching.") || m.type.startsWith("hand.")) {
    let calls = "call" in m ? mergeCall(s.calls, m.call) : s.calls;
    if (m.type === "coaching.started" || m.type === "coaching.mode_changed")
      calls = mergeSession(calls, m.session);
    if (m.type === "coaching.message") calls = mergeWhisper(calls, m);
    return calls === s.calls ? s : { ...s, calls };
  }
  return s;
}

/**
 * Whether `m` changes what no event carries, so the lists are read again: a number's line
 * distribution (everyone's grants on its calls); my role, access, call or session (my grants on
 * every call, computed for the events from then on). A queue's places need none: the calls
 * behind one that leaves are each told (control/Queue.ts, queue_moved).
 */
export function needsRefetch(shown: Lists, m: ServerMessage): boolean {
  if (m.type === "numbers.changed") return true;
  if (m.type === "user.updated") {
    const me = shown.me;
    if (!me || me.id !== m.user.id) return false;
    const u = m.user;
    return (
      u.role !== me.role ||
      u.monitoringAccess !== me.monitoringAccess ||
      u.currentCallId !== me.currentCallId ||
      u.coachingSessionId !== me.coachingSessionId
    );
  }
  return false;
}

/** A refetch's answer with the events that arrived since it was asked applied on top, in order. */
export function settle(answer: Lists, since: readonly ServerMessage[]): Lists {
  return since.reduce(applyEvent, answer);
}

/** Whether two JSON values (the API's resources) are equal, member by member. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  return ka.every((k) => k in rb && sameJson(ra[k], rb[k]));
}

/**
 * `next` with the objects of `prev` where they are equal: each element that did not change is
 * the previous one, and the list itself is the previous one when none changed.
 */
export function keepSameList<T extends { id: string }>(prev: readonly T[], next: T[]): T[] {
  const byId = new Map(prev.map((x) => [x.id, x]));
  let changed = prev.length !== next.length;
  const out = next.map((x, i) => {
    const old = byId.get(x.id);
    const kept = old !== undefined && sameJson(old, x) ? old : x;
    if (kept !== prev[i]) changed = true;
    return kept;
  });
  return changed ? out : (prev as T[]);
}

/** A refetch's lists keeping the shown objects that did not change (keepSameList). */
export function keepSame(prev: Lists, next: Lists): Lists {
  return {
    me: prev.me && next.me && sameJson(prev.me, next.me) ? prev.me : next.me,
    users: keepSameList(prev.users, next.users),
    calls: keepSameList(prev.calls, next.calls),
  };
}
