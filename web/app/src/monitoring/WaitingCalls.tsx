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
        <table>
          <thead>
            <tr>
              <th>{t("number")}</th>
              <th>{t("customer")}</th>
              <th>{t("queuePlace")}</th>
              <th>{t("queueWait")}</th>
              <th>{t("queueRinging")}</th>
            </tr>
          </thead>
          <tbody>
            {waiting.map((c) => (
              <tr key={c.id} data-waiting-call={c.id}>
                <td>{numbers.find((n) => n.id === c.numberId)?.name ?? "—"}</td>
                <td>{c.contactName ?? c.customerNumber}</td>
                <td>{c.queuePosition ?? "—"}</td>
                <td>
                  <WaitTime since={c.queuedAt as string} />
                </td>
                <td>
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
