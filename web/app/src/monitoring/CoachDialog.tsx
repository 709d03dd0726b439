// The dialog behind "Coach…": names the agent and the customer; Notify user, Open the target
// conversation (only when the coach is in the number's line distribution), Join (in listen).
import { useEffect, useRef, useState } from "react";
import type { Call } from "../../../../src/protocol/resources.ts";
import { useI18n } from "../shared/i18n.tsx";
import { customerLabel } from "../shared/words.ts";

export function CoachDialog({
  call,
  agentName,
  onJoin,
  onCancel,
}: {
  call: Call;
  agentName: string;
  onJoin(opts: { notifyUser: boolean; openConversation: boolean }): void;
  onCancel(): void;
}) {
  const { t } = useI18n();
  const [notifyUser, setNotify] = useState(true);
  const [openConversation, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.querySelector<HTMLElement>("input, button")?.focus(), []);
  return (
    <div className="backdrop">
      <div
        ref={ref}
        role="dialog"
        aria-modal="true"
        aria-labelledby="coach-dialog-title"
        className="card dialog"
        onKeyDown={(e) => e.key === "Escape" && onCancel()}
      >
        <h2 id="coach-dialog-title">
          {t("coachDialogTitle", { agent: agentName, customer: customerLabel(t, call) })}
        </h2>
        <label>
          <input type="checkbox" checked={notifyUser} onChange={(e) => setNotify(e.target.checked)} />{" "}
          {t("notifyUser")}
        </label>
        {call.grants?.openConversation.allowed && (
          <label>
            <input type="checkbox" checked={openConversation} onChange={(e) => setOpen(e.target.checked)} />{" "}
            {t("openConversation")}
          </label>
        )}
        <div className="row">
          <button type="button" className="primary" onClick={() => onJoin({ notifyUser, openConversation })}>
            {t("join")}
          </button>
          <button type="button" onClick={onCancel}>
            {t("cancel")}
          </button>
        </div>
      </div>
    </div>
  );
}
