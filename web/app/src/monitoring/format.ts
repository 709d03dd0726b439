// How the board's figures read: counts and percentages through Intl.NumberFormat, durations
// in words ("1 minute, 5 seconds" / "1 minuto y 5 segundos", Intl.ListFormat) and timers as m:ss, in the
// user's language. Null (no call to measure) reads as a dash.
import type { Lang } from "../shared/i18n.tsx";

const cache = new Map<string, Intl.NumberFormat>();
function nf(lang: Lang, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${lang}${JSON.stringify(options)}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.NumberFormat(lang, options);
    cache.set(key, f);
  }
  return f;
}

const lists = new Map<Lang, Intl.ListFormat>();
/** Made once per language: a tick formats every shown timer's title. */
function listFormat(lang: Lang): Intl.ListFormat {
  let f = lists.get(lang);
  if (!f) {
    f = new Intl.ListFormat(lang, { style: "narrow", type: "unit" });
    lists.set(lang, f);
  }
  return f;
}

export const DASH = "—";

export function formatCount(lang: Lang, n: number): string {
  return nf(lang, { maximumFractionDigits: 0 }).format(n);
}

export function formatPercent(lang: Lang, ratio: number | null): string {
  return ratio === null ? DASH : nf(lang, { style: "percent", maximumFractionDigits: 0 }).format(ratio);
}

/** "2 hours 5 minutes", "1 minute 5 seconds", "12 seconds" (whole seconds; two units at most). */
export function formatDurationWords(
  lang: Lang,
  ms: number | null,
  unitDisplay: "long" | "short" = "long",
): string {
  if (ms === null) return DASH;
  const total = Math.max(0, Math.round(ms / 1000));
  const parts: [number, "hour" | "minute" | "second"][] = [
    [Math.floor(total / 3600), "hour"],
    [Math.floor((total % 3600) / 60), "minute"],
    [total % 60, "second"],
  ];
  const first = parts.findIndex(([v]) => v > 0);
  if (first < 0) return nf(lang, { style: "unit", unit: "second", unitDisplay }).format(0);
  const words = parts
    .slice(first, first + 2)
    .filter(([v]) => v > 0)
    .map(([v, unit]) => nf(lang, { style: "unit", unit, unitDisplay }).format(v));
  return listFormat(lang).format(words);
}

/** A running timer: "3:12", "1:02:03". */
export function formatTimer(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const mm = String(Math.floor((s % 3600) / 60));
  const ss = String(s % 60).padStart(2, "0");
  return s >= 3600 ? `${Math.floor(s / 3600)}:${mm.padStart(2, "0")}:${ss}` : `${mm}:${ss}`;
}
