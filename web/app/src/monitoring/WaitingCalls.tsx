// Live Monitoring's waiting calls: inbound calls nobody has answered yet (queued or ringing),
// in queue order, with their place, their ticking wait and whom they ring.
import type { Call, PhoneNumber, User } from "../../../../src/protocol/resources.ts";
import { useI18n } from "../shared/i18n.tsx";
import { WaitTime } from "./WaitTime.tsx";

export function WaitingCalls({
  calls,
  numbers,
  users,
}: {
  calls: Call[];
  numbers: PhoneNumber[];
  users: User[];
}) {
  const { t } = useI18n();
  const waiting = calls
    .filter((c) => c.state === "ringing" && c.direction === "inbound" && c.queuedAt)
    .sort((a, b) => (a.queuedAt as string).localeCompare(b.queuedAt as string));
  const nameOf = (id: string) => users.find((u) => u.id === id)?.name ?? "—";
  return (
    <section aria-labelledby="waiting-title">
      <h2 id="waiting-title">{t("queueTitle")}</h2>
      {waiting.length === 0 ? (
        <p>{t("queueNone")}</p>
      ) : (
        <table className="cards">
          <thead>
            <tr>
              <th scope="col">{t("number")}</th>
              <th scope="col">{t("customer")}</th>
              <th scope="col">{t("queuePlace")}</th>
              <th scope="col">{t("queueWait")}</th>
              <th scope="col">{t("queueRinging")}</th>
            </tr>
          </thead>
          <tbody>
            {waiting.map((c) => (
              <tr key={c.id} data-waiting-call={c.id}>
                <td data-label={t("number")}>{numbers.find((n) => n.id === c.numberId)?.name ?? "—"}</td>
                <td data-label={t("customer")}>{c.contactName ?? c.customerNumber}</td>
                <td data-label={t("queuePlace")}>{c.queuePosition ?? "—"}</td>
                <td data-label={t("queueWait")}>
                  <WaitTime since={c.queuedAt as string} />
                </td>
                <td data-label={t("queueRinging")}>
                  {c.ringingUserIds.length > 0 ? c.ringingUserIds.map(nameOf).join(", ") : t("queueForAgent")}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
