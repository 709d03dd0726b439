// An agent's state with how long they have been in it ("On a call · 3:12"), from User.state
// and User.stateSince. Each ticking leaf reads the page's one shared clock (shared/clock.ts):
// one interval for the page, and a tick re-renders these leaves only, not the lists.
import { useRef } from "react";
import type { User } from "../../../../src/protocol/resources.ts";
import { useClockWhileShown } from "../shared/clock.ts";
import { formatDuration } from "../shared/hooks.ts";
import { type Key, useI18n } from "../shared/i18n.tsx";
import { formatDurationWords, formatTimer } from "./format.ts";

export function AgentStateChip({ user }: { user: Pick<User, "state" | "stateSince"> }) {
  const { t, lang } = useI18n();
  const ref = useRef<HTMLSpanElement>(null);
  const now = useClockWhileShown(ref);
  const state = t(`agentState_${user.state}` as Key);
  const ms = now - Date.parse(user.stateSince);
  return (
    <span
      ref={ref}
      className={`chip state-${user.state}`}
      data-state={user.state}
      title={t("agentState_since", { state, duration: formatDurationWords(lang, ms) })}
    >
      {t("agentState_chip", { state, time: formatTimer(ms) })}
    </span>
  );
}

/** A call's running duration since `iso` ("3:12"; "—" before it started). */
export function Since({ iso }: { iso: string | null }) {
  const ref = useRef<HTMLSpanElement>(null);
  return <span ref={ref}>{formatDuration(iso, useClockWhileShown(ref))}</span>;
}
