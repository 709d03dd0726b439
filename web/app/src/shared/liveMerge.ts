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
  // Events carry no viewer's grants: the last answer's stay until the refetch brings new ones.
  const merged = { ...call, grants: old?.grants ?? call.grants };
  if (call.state === "ended") return calls.filter((c) => c.id !== call.id);
  return old ? calls.map((c) => (c.id === call.id ? merged : c)) : [merged, ...calls];
}

/** A session's new mode and hearing, shown at once (the refetch follows). */
function mergeSession(calls: Call[], session: CoachingSession): Call[] {
  if (!calls.some((c) => c.id === session.callId)) return calls;
  return calls.map((c) => (c.id === session.callId ? { ...c, coachingSession: session } : c));
}

/** The lists after one event (the same lists when it changes none of them). */
export function applyEvent(s: Lists, m: ServerMessage): Lists {
  if (m.type === "call.quality") {
    // Every few seconds per call: merged in place.
    return { ...s, calls: s.calls.map((c) => (c.id === m.callId ? { ...c, quality: m.quality } : c)) };
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
    return calls === s.calls ? s : { ...s, calls };
  }
  return s;
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
