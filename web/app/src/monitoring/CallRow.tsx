// Live Monitoring's rows, memoised: an event or a refetch that leaves a call (or a user) the same
// object (shared/liveMerge.ts keepSame) does not render its row again, so one call's change
// renders one row of the thousand (docs/PERFORMANCE.md, "Live Monitoring at 1,000 calls").
import { memo } from "react";
import type { Call, CoachingMode, User } from "../../../../src/protocol/resources.ts";
import { ContactName } from "../conversation/Conversation.tsx";
import { HistoryLink } from "../shared/HistoryLink.tsx";
import { useI18n } from "../shared/i18n.tsx";
import { AgentStateChip, Since } from "./AgentStateChip.tsx";
import { QualityNote } from "./Quality.tsx";
import { RowActions } from "./RowActions.tsx";
import { TransferNote } from "./TransferNote.tsx";

/** What a row's actions do; the same functions for every render (LiveMonitoring's useCallback). */
export interface RowHandlers {
  onJoin(call: Call, mode: CoachingMode): void;
  onOptions(call: Call): void;
}

export const CallRow = memo(function CallRow({
  call: c,
  numberName,
  agentName,
  transferToName,
  coachingThis,
  handlers,
}: {
  call: Call;
  numberName: string;
  agentName: string;
  /** The name of the user a transfer of the call goes to (TransferNote), if any. */
  transferToName: string | null;
  coachingThis: boolean;
  handlers: RowHandlers;
}) {
  const { t } = useI18n();
  return (
    <tr data-call={c.id}>
      <td data-label={t("number")}>{numberName}</td>
      <td data-label={t("agent")}>{agentName}</td>
      <td data-label={t("customer")}>
        <ContactName call={c} />
        {c.handRaised && <span className="hand"> ✋ {t("handRaised")}</span>}
        <QualityNote quality={c.quality} />
      </td>
      <td data-label={t("duration")}>
        <Since iso={c.answeredAt} />
      </td>
      <td data-label={t("state")}>
        <span className={`call-state state-${c.state}`}>{t(`callState_${c.state}`)}</span>
        <TransferNote call={c} nameOf={() => transferToName ?? "—"} />
      </td>
      <td data-label={t("coach")}>
        {c.coachingSession ? (
          <span className="coached">
            {t(`coachedBy_${c.coachingSession.mode}`, { name: c.coachingSession.coachName })}
          </span>
        ) : (
          t("notCoached")
        )}
      </td>
      <td className="actions">
        <RowActions
          call={c}
          place={`call-${c.id}`}
          agentName={agentName}
          coachingThis={coachingThis}
          onJoin={handlers.onJoin}
          onOptions={handlers.onOptions}
        />
      </td>
    </tr>
  );
});

export const UserRow = memo(function UserRow({
  user: u,
  call,
  coachingThis,
  handlers,
}: {
  user: User;
  /** The user's live call, if any. */
  call: Call | undefined;
  coachingThis: boolean;
  handlers: RowHandlers;
}) {
  const { t } = useI18n();
  return (
    <tr data-user={u.email}>
      <td data-label={t("name")}>
        <HistoryLink of={{ by: "agent", id: u.id }} label={t("history_link", { name: u.name })}>
          {u.name}
        </HistoryLink>
      </td>
      <td data-label={t("role")}>{t(`role_${u.role}`)}</td>
      <td data-label={t("availability")}>
        {u.availability === "available" ? t("available") : t("unavailable")}
      </td>
      <td data-label={t("state")}>
        <AgentStateChip user={u} />
      </td>
      <td className="actions">
        <RowActions
          call={call}
          place={`user-${u.id}`}
          agentName={u.name}
          coachingThis={coachingThis}
          onJoin={handlers.onJoin}
          onOptions={handlers.onOptions}
        />
      </td>
    </tr>
  );
});
