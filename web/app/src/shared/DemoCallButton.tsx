// Demo mode: the demo caller rings a number and plays a recorded customer voice.
import { useEffect, useState } from "react";
import type { PhoneNumber } from "../../../../src/protocol/resources.ts";
import { ok, rest } from "./api.ts";
import { useI18n } from "./i18n.tsx";

export function DemoCallButton({ numbers, onError }: { numbers: PhoneNumber[]; onError(m: string): void }) {
  const { t, te } = useI18n();
  const [demo, setDemo] = useState(false);
  const [numberId, setNumberId] = useState("");
  useEffect(() => {
    void ok(rest.GET("/api/v1/config")).then((c) => setDemo(c.demo));
  }, []);
  if (!demo || numbers.length === 0) return null;
  return (
    <div className="row demo">
      <select aria-label={t("number")} value={numberId} onChange={(e) => setNumberId(e.target.value)}>
        {numbers.map((n) => (
          <option key={n.id} value={n.id}>
            {n.name}
          </option>
        ))}
      </select>
      <button
        type="button"
        onClick={() =>
          void ok(rest.POST("/api/v1/demo/calls", { body: { numberId: numberId || numbers[0].id } })).catch(
            (e: unknown) => onError(te(e)),
          )
        }
      >
        {t("startDemoCall")}
      </button>
    </div>
  );
}
