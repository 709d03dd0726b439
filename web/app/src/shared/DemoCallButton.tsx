// Demo mode: the demo caller rings a number and plays a recorded customer voice. The picker starts
// on a line the viewer is in (so an agent's first demo call rings them), and says what happened:
// the call rings that line's available agents, or waits in its queue.
import { useEffect, useState } from "react";
import type { PhoneNumber } from "../../../../src/protocol/resources.ts";
import { ok, rest } from "./api.ts";
import { useI18n } from "./i18n.tsx";

export function DemoCallButton({
  numbers,
  meId,
  onError,
}: {
  numbers: PhoneNumber[];
  meId: string | null;
  onError(m: string): void;
}) {
  const { t, te } = useI18n();
  const [demo, setDemo] = useState(false);
  const [numberId, setNumberId] = useState("");
  const [started, setStarted] = useState<string | null>(null);
  useEffect(() => {
    void ok(rest.GET("/api/v1/config")).then((c) => setDemo(c.demo));
  }, []);
  if (!demo || numbers.length === 0) return null;
  const mine = numbers.find((n) => meId && n.userIds.includes(meId)) ?? numbers[0];
  const chosen = numbers.find((n) => n.id === numberId) ?? mine;
  const start = async () => {
    setStarted(null);
    try {
      await ok(rest.POST("/api/v1/demo/calls", { body: { numberId: chosen.id } }));
      setStarted(chosen.name);
    } catch (e) {
      onError(te(e));
    }
  };
  return (
    <div className="row demo">
      <label>
        {t("demoCallTo")}{" "}
        <select value={chosen.id} onChange={(e) => setNumberId(e.target.value)}>
          {numbers.map((n) => (
            <option key={n.id} value={n.id}>
              {n.name}
            </option>
          ))}
        </select>
      </label>
      <button type="button" onClick={() => void start()}>
        {t("startDemoCall")}
      </button>
      {started && <p role="status">{t("demoCallStarted", { number: started })}</p>}
    </div>
  );
}
