// How long a caller has waited, ticking: "waiting 0:42", and the same in words as its title
// ("42 seconds", "1 minute, 5 seconds") through Intl in the UI's language.
import { type Lang, useI18n } from "../shared/i18n.tsx";

export function waitInWords(seconds: number, lang: Lang): string {
  const unit = (n: number, u: "minute" | "second") =>
    new Intl.NumberFormat(lang, { style: "unit", unit: u, unitDisplay: "long" }).format(n);
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  const parts = m > 0 ? [unit(m, "minute"), ...(s > 0 ? [unit(s, "second")] : [])] : [unit(s, "second")];
  return new Intl.ListFormat(lang, { style: "narrow", type: "unit" }).format(parts);
}

export function WaitTime({ since, now }: { since: string; now: number }) {
  const { t, lang } = useI18n();
  const seconds = Math.max(0, Math.floor((now - Date.parse(since)) / 1000));
  const clock = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
  return (
    <time
      dateTime={`PT${seconds}S`}
      data-wait={seconds}
      title={t("queueWaiting", { time: waitInWords(seconds, lang) })}
    >
      {t("queueWaiting", { time: clock })}
    </time>
  );
}
