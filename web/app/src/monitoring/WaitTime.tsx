// How long a caller has waited, ticking: "waiting 0:42", and the same in words as its title
// ("42 seconds", "1 minute, 5 seconds") through Intl in the UI's language.
import { useRef } from "react";
import { useClockWhileShown } from "../shared/clock.ts";
import { useI18n } from "../shared/i18n.tsx";
import { formatDurationWords } from "./format.ts";

/** Reads the page's shared clock itself while on screen (shared/clock.ts): a tick re-renders this cell only. */
export function WaitTime({ since }: { since: string }) {
  const { t, lang } = useI18n();
  const ref = useRef<HTMLTimeElement>(null);
  const now = useClockWhileShown(ref);
  const seconds = Math.max(0, Math.floor((now - Date.parse(since)) / 1000));
  const clock = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
  return (
    <time
      ref={ref}
      dateTime={`PT${seconds}S`}
      data-wait={seconds}
      title={t("queueWaiting", { time: formatDurationWords(lang, seconds * 1000) })}
    >
      {t("queueWaiting", { time: clock })}
    </time>
  );
}
