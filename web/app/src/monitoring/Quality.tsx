// How each leg of a live call sounds (Call.quality, measured by the media plane every few
// seconds): on a Live Monitoring row, a warning in words for each poor leg (or "Audio: good");
// in the coach's panel, every leg with its figures. `poor` is the server's rule, shown as is.
import type { CallQuality, LegQuality } from "../../../../src/protocol/resources.ts";
import { type Key, type T, useI18n } from "../shared/i18n.tsx";

const LEGS = ["customer", "agent", "coach"] as const;
type LegName = (typeof LEGS)[number];

function useNumber() {
  const { lang } = useI18n();
  const one = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
  const two = new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 2 });
  return { one: (n: number) => one.format(n), mos: (n: number) => two.format(n) };
}

function legLine(t: T, n: ReturnType<typeof useNumber>, leg: LegName, q: LegQuality): string {
  if (!q.poor) return t(`quality_good_${leg}` as Key);
  const reason =
    q.lossPct >= 1
      ? t("quality_reasonLoss", { loss: n.one(q.lossPct) })
      : t("quality_reasonMos", { mos: n.mos(q.mos) });
  return t(`quality_poor_${leg}` as Key, { reason });
}

const measured = (quality: CallQuality | null) =>
  LEGS.flatMap((leg) => {
    const q = quality?.[leg];
    return q ? [[leg, q] as const] : [];
  });

/** On a row: each poor leg's warning, or "Audio: good"; nothing before the first measure. */
export function QualityNote({ quality }: { quality: CallQuality | null }) {
  const { t } = useI18n();
  const n = useNumber();
  const legs = measured(quality);
  if (legs.length === 0) return null;
  const poor = legs.filter(([, q]) => q.poor);
  if (poor.length === 0) {
    return (
      <span className="quality good" data-quality="good">
        {" "}
        {t("quality_allGood")}
      </span>
    );
  }
  return (
    <>
      {poor.map(([leg, q]) => (
        <span key={leg} className="quality poor" data-quality-poor={leg}>
          {" ⚠ "}
          {legLine(t, n, leg, q)}
        </span>
      ))}
    </>
  );
}

/** In the coach's panel: every measured leg, in words and figures. */
export function QualityDetails({ quality }: { quality: CallQuality | null }) {
  const { t } = useI18n();
  const n = useNumber();
  const legs = measured(quality);
  if (legs.length === 0) return null;
  return (
    <section className="quality-details" aria-label={t("quality_title")}>
      <h3>{t("quality_title")}</h3>
      <ul>
        {legs.map(([leg, q]) => (
          <li key={leg} className={q.poor ? "quality poor" : "quality good"} data-quality-leg={leg}>
            {q.poor ? "⚠ " : ""}
            {legLine(t, n, leg, q)}
            {" — "}
            {t("quality_detail", {
              mos: n.mos(q.mos),
              loss: n.one(q.lossPct),
              jitter: n.one(q.jitterMs),
              rtt: q.rttMs === null ? t("quality_rttUnknown") : t("quality_rttMs", { rtt: n.one(q.rttMs) }),
            })}
          </li>
        ))}
      </ul>
    </section>
  );
}
