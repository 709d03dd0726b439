// The transferring agent's view of their transfer (SPEC §2): while it rings, to whom, with
// Cancel transfer (the server's cancelTransfer grant); once it returned (declined, no answer,
// cancelled), why, in words, for a while, with a chime as the call comes back.
import { useEffect, useRef } from "react";
import type { Call, User } from "../../../../src/protocol/resources.ts";
import { ok, rest } from "../shared/api.ts";
import { playChime } from "../shared/hooks.ts";
import { type Key, useI18n } from "../shared/i18n.tsx";

/** How long the "the call is back with you" notice stays after the transfer returned. */
const RETURNED_NOTICE_MS = 30_000;

export function TransferStatus({
  call,
  users,
  now,
  onError,
}: {
  call: Call;
  users: User[];
  now: number;
  onError(m: string): void;
}) {
  const { t, te } = useI18n();
  const transfer = call.transfer;
  const returnedAt = transfer && transfer.state !== "ringing" ? transfer.at : null;
  const told = useRef<string | null>(returnedAt);
  useEffect(() => {
    if (!returnedAt || told.current === returnedAt) return;
    told.current = returnedAt;
    playChime(`transfer ${transfer?.state}`);
  }, [returnedAt, transfer?.state]);
  if (!transfer) return null;
  const to = users.find((u) => u.id === transfer.toUserId)?.name ?? t("transferSomeone");
  if (transfer.state === "ringing") {
    const g = call.grants?.cancelTransfer;
    return (
      <p className="row" role="status">
        {t("transferRinging", { to })}{" "}
        <button
          type="button"
          disabled={g ? !g.allowed : false}
          title={g?.code ? te(g.code) : undefined}
          onClick={() =>
            void ok(
              rest.POST("/api/v1/calls/{id}/transfer/cancel", { params: { path: { id: call.id } } }),
            ).catch((e: unknown) => onError(te(e)))
          }
        >
          {t("transferCancel")}
        </button>
      </p>
    );
  }
  if (now - Date.parse(transfer.at) > RETURNED_NOTICE_MS) return null;
  return (
    <p className="row transfer-back" role="status">
      {t(`transferBack_${transfer.state}` as Key, { to })}
    </p>
  );
}
