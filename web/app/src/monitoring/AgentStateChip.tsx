// An agent's state with how long they have been in it ("On a call · 3:12"), from User.state
// and User.stateSince; `now` is the page's shared clock (shared/clock.ts), not a timer per row.
import type { User } from "../../../../src/protocol/resources.ts";
import { type Key, useI18n } from "../shared/i18n.tsx";
import { formatDurationWords, formatTimer } from "./format.ts";

export function AgentStateChip({ user, now }: { user: Pick<User, "state" | "stateSince">; now: number }) {
  const { t, lang } = useI18n();
  const state = t(`agentState_${user.state}` as Key);
  const ms = now - Date.parse(user.stateSince);
  return (
    <span
      className={`chip state-${user.state}`}
      data-state={user.state}
      title={t("agentState_since", { state, duration: formatDurationWords(lang, ms) })}
    >
      {t("agentState_chip", { state, time: formatTimer(ms) })}
    </span>
  );
}
