// A Live Monitoring row's (and small-screen card's) ringing transfer, in words: "Transferring to
// Luis — ringing", from the call's own transfer (Call.transfer, protocol/transfers.ts). Nothing
// once it is accepted, declined, cancelled or rang out (the row then shows the call as it is).
import type { Call } from "../../../../src/protocol/resources.ts";
import { useI18n } from "../shared/i18n.tsx";

export function TransferNote({ call, nameOf }: { call: Call; nameOf(id: string): string }) {
  const { t } = useI18n();
  if (call.transfer?.state !== "ringing") return null;
  return (
    <span className="transfer-note"> {t("transferRowRinging", { to: nameOf(call.transfer.toUserId) })}</span>
  );
}
