// Search, filters and sort of Live Monitoring's two lists (pure: the component only renders
// the result). Raised hands always come first, whatever the sort: a supervisor must not miss one.
import type { AgentState, Call, CallState, PhoneNumber, User } from "../../../../src/protocol/resources.ts";

export interface CallFilter {
  search: string;
  numberId: string;
  state: CallState | "";
  agentId: string;
  sort: "longest" | "number" | "agent";
}
export interface UserFilter {
  search: string;
  numberId: string;
  state: AgentState | "";
  sort: "name" | "state" | "timeInState";
}
export const NO_CALL_FILTER: CallFilter = {
  search: "",
  numberId: "",
  state: "",
  agentId: "",
  sort: "longest",
};
export const NO_USER_FILTER: UserFilter = { search: "", numberId: "", state: "", sort: "name" };

const matches = (search: string, ...texts: (string | null | undefined)[]) => {
  const q = search.trim().toLocaleLowerCase();
  return q === "" || texts.some((x) => x?.toLocaleLowerCase().includes(q));
};

interface Names {
  numberName(id: string): string;
  userName(id: string | null): string;
}

const handsFirst = (a: boolean, b: boolean) => Number(b) - Number(a);
/** One collator for every name sort: `localeCompare` builds one per call, ×10,000 in a sort of 1,000. */
const collator = new Intl.Collator();
const byText = (a: string, b: string) => collator.compare(a, b);

export function visibleCalls(calls: Call[], f: CallFilter, names: Names): Call[] {
  // Each call's start read once, not twice per comparison.
  const starts = new Map(calls.map((c) => [c.id, Date.parse(c.answeredAt ?? c.createdAt)]));
  const startOf = (c: Call) => starts.get(c.id) ?? 0;
  const by: Record<CallFilter["sort"], (a: Call, b: Call) => number> = {
    longest: (a, b) => startOf(a) - startOf(b),
    number: (a, b) => byText(names.numberName(a.numberId), names.numberName(b.numberId)),
    agent: (a, b) => byText(names.userName(a.agentId), names.userName(b.agentId)),
  };
  return calls
    .filter(
      (c) =>
        (!f.numberId || c.numberId === f.numberId) &&
        (!f.state || c.state === f.state) &&
        (!f.agentId || c.agentId === f.agentId) &&
        matches(
          f.search,
          names.numberName(c.numberId),
          names.userName(c.agentId),
          c.contactName,
          c.customerNumber,
        ),
    )
    .sort((a, b) => handsFirst(a.handRaised, b.handRaised) || by[f.sort](a, b));
}

export function visibleUsers(users: User[], calls: Call[], numbers: PhoneNumber[], f: UserFilter): User[] {
  const raised = new Set(calls.filter((c) => c.handRaised).map((c) => c.id));
  const hand = (u: User) => !!u.currentCallId && raised.has(u.currentCallId);
  const lines = numbers.find((n) => n.id === f.numberId)?.userIds;
  const by: Record<UserFilter["sort"], (a: User, b: User) => number> = {
    name: (a, b) => byText(a.name, b.name),
    state: (a, b) => byText(a.state, b.state) || byText(a.name, b.name),
    timeInState: (a, b) => Date.parse(a.stateSince) - Date.parse(b.stateSince),
  };
  const lineSet = lines && new Set(lines);
  return users
    .filter(
      (u) =>
        (!lineSet || lineSet.has(u.id)) &&
        (!f.state || u.state === f.state) &&
        matches(f.search, u.name, u.email),
    )
    .sort((a, b) => handsFirst(hand(a), hand(b)) || by[f.sort](a, b));
}
