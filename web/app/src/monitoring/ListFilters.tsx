// The controls above Live Monitoring's lists: search, number, state, agent (calls only) and
// sort, each with its label; lists.ts applies them.
import type { PhoneNumber, User } from "../../../../src/protocol/resources.ts";
import { AGENT_STATES } from "../../../../src/protocol/resources.ts";
import { type Key, useI18n } from "../shared/i18n.tsx";
import type { CallFilter, UserFilter } from "./lists.ts";

const CALL_STATES = ["ringing", "in_progress", "on_hold"] as const;

function Select<V extends string>(props: {
  id: string;
  label: string;
  value: V;
  options: [V, string][];
  onChange(v: V): void;
}) {
  return (
    <span>
      <label htmlFor={props.id}>{props.label}</label>{" "}
      <select id={props.id} value={props.value} onChange={(e) => props.onChange(e.target.value as V)}>
        {props.options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </span>
  );
}

interface Common {
  place: "calls" | "users";
  numbers: PhoneNumber[];
  shown: number;
  total: number;
}

export function CallFilters(
  props: Common & { users: User[]; value: CallFilter; onChange(f: CallFilter): void },
) {
  const { t } = useI18n();
  const f = props.value;
  const set = (patch: Partial<CallFilter>) => props.onChange({ ...f, ...patch });
  return (
    <Frame {...props} search={f.search} onSearch={(search) => set({ search })}>
      <Select
        id="calls-number"
        label={t("list_number")}
        value={f.numberId}
        options={[["", t("list_all")], ...props.numbers.map((n): [string, string] => [n.id, n.name])]}
        onChange={(numberId) => set({ numberId })}
      />
      <Select
        id="calls-state"
        label={t("list_state")}
        value={f.state}
        options={[
          ["", t("list_all")],
          ...CALL_STATES.map((s): [typeof s, string] => [s, t(`callState_${s}`)]),
        ]}
        onChange={(state) => set({ state })}
      />
      <Select
        id="calls-agent"
        label={t("list_agent")}
        value={f.agentId}
        options={[["", t("list_all")], ...props.users.map((u): [string, string] => [u.id, u.name])]}
        onChange={(agentId) => set({ agentId })}
      />
      <Select
        id="calls-sort"
        label={t("list_sort")}
        value={f.sort}
        options={[
          ["longest", t("list_sortLongest")],
          ["number", t("list_sortNumber")],
          ["agent", t("list_sortAgent")],
        ]}
        onChange={(sort) => set({ sort })}
      />
    </Frame>
  );
}

export function UserFilters(props: Common & { value: UserFilter; onChange(f: UserFilter): void }) {
  const { t } = useI18n();
  const f = props.value;
  const set = (patch: Partial<UserFilter>) => props.onChange({ ...f, ...patch });
  return (
    <Frame {...props} search={f.search} onSearch={(search) => set({ search })}>
      <Select
        id="users-number"
        label={t("list_number")}
        value={f.numberId}
        options={[["", t("list_all")], ...props.numbers.map((n): [string, string] => [n.id, n.name])]}
        onChange={(numberId) => set({ numberId })}
      />
      <Select
        id="users-state"
        label={t("list_state")}
        value={f.state}
        options={[
          ["", t("list_all")],
          ...AGENT_STATES.map((s): [typeof s, string] => [s, t(`agentState_${s}` as Key)]),
        ]}
        onChange={(state) => set({ state })}
      />
      <Select
        id="users-sort"
        label={t("list_sort")}
        value={f.sort}
        options={[
          ["name", t("list_sortName")],
          ["state", t("list_sortState")],
          ["timeInState", t("list_sortTimeInState")],
        ]}
        onChange={(sort) => set({ sort })}
      />
    </Frame>
  );
}

function Frame(props: Common & { search: string; onSearch(s: string): void; children: React.ReactNode }) {
  const { t } = useI18n();
  return (
    <search className="filters" aria-label={t(props.place)}>
      <label htmlFor={`${props.place}-search`}>
        {t("list_search")}{" "}
        <input
          id={`${props.place}-search`}
          type="search"
          value={props.search}
          onChange={(e) => props.onSearch(e.target.value)}
        />
      </label>
      {props.children}
      <span role="status">{t("list_shown", { shown: String(props.shown), total: String(props.total) })}</span>
      <span className="hint">{t("list_handsFirst")}</span>
    </search>
  );
}
