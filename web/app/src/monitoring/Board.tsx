// The live board on Live Monitoring: per number and in total, waiting now and the longest
// wait, and for today and the last 15 minutes answered, abandoned, service level, ASA and AHT
// (GET /stats/live on open, then stats.updated through the Live store). Every header carries
// its definition (title, and the list under "How these figures are counted").
import { useEffect } from "react";
import type { LiveStats, NumberStats, PeriodStats } from "../../../../src/protocol/stats.ts";
import { useClock } from "../shared/clock.ts";
import { HistoryLink } from "../shared/HistoryLink.tsx";
import { useLive } from "../shared/hooks.ts";
import { type Key, useI18n } from "../shared/i18n.tsx";
import type { Live } from "../shared/live.ts";
import { formatCount, formatDurationWords, formatPercent } from "./format.ts";

/** The board's stats, read on mount and kept current by the store. */
export function useBoard(live: Live): LiveStats | null {
  useEffect(() => live.watchStats(), [live]);
  return useLive(live).stats;
}

/** The longest wait as of now: the figure was measured at `stats.at` and keeps growing. */
export function longestWaitNow(n: NumberStats, stats: LiveStats, now: number): number {
  return n.waiting > 0 ? n.longestWaitMs + Math.max(0, now - Date.parse(stats.at)) : 0;
}

type Figure = "answered" | "abandoned" | "serviceLevel" | "asa" | "aht";
export const PERIOD_FIGURES: Figure[] = ["answered", "abandoned", "serviceLevel", "asa", "aht"];

export function useFigures(stats: LiveStats | null) {
  const { t, lang } = useI18n();
  const threshold = formatDurationWords(lang, stats?.serviceLevelThresholdMs ?? 20_000);
  const definition = (f: Figure | "waiting" | "longestWait") => t(`board_def_${f}` as Key, { threshold });
  const period = (p: PeriodStats, f: Figure, unit: "long" | "short" = "long") =>
    f === "answered"
      ? formatCount(lang, p.answered)
      : f === "abandoned"
        ? formatCount(lang, p.abandoned)
        : f === "serviceLevel"
          ? formatPercent(lang, p.serviceLevel)
          : formatDurationWords(lang, f === "asa" ? p.averageSpeedOfAnswerMs : p.averageHandleTimeMs, unit);
  return { t, lang, definition, period };
}

function PeriodTable({ stats, which, now }: { stats: LiveStats; which: "today" | "last15m"; now: number }) {
  const { t, lang, definition, period } = useFigures(stats);
  const id = `board-${which}`;
  const rows = [...stats.numbers, stats.total];
  return (
    <table aria-labelledby={id} className="board cards">
      <caption id={id}>{t(which === "today" ? "board_today" : "board_last15m")}</caption>
      <thead>
        <tr>
          <th scope="col">{t("board_number")}</th>
          {which === "today" && (
            <>
              <th scope="col" title={definition("waiting")}>
                {t("board_waiting")}
              </th>
              <th scope="col" title={definition("longestWait")}>
                {t("board_longestWait")}
              </th>
            </>
          )}
          {PERIOD_FIGURES.map((f) => (
            <th key={f} scope="col" title={definition(f)}>
              {t(`board_${f}` as Key)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((n) => (
          <tr key={n.numberId ?? "total"} className={n.numberId ? undefined : "total"}>
            <th scope="row">
              {n.numberId ? (
                <HistoryLink
                  of={{ by: "number", id: n.numberId }}
                  label={t("history_link", { name: n.name })}
                >
                  {n.name}
                </HistoryLink>
              ) : (
                t("board_total")
              )}
            </th>
            {which === "today" && (
              <>
                <td data-label={t("board_waiting")}>{formatCount(lang, n.waiting)}</td>
                <td data-label={t("board_longestWait")}>
                  {formatDurationWords(lang, longestWaitNow(n, stats, now))}
                </td>
              </>
            )}
            {PERIOD_FIGURES.map((f) => (
              <td key={f} data-label={t(`board_${f}` as Key)}>
                {period(n[which], f)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Board({ live }: { live: Live }) {
  const stats = useBoard(live);
  const now = useClock();
  const { t, definition } = useFigures(stats);
  return (
    <section aria-labelledby="board-title" className="board">
      <h2 id="board-title">{t("board_title")}</h2>
      {!stats ? (
        <p role="status">{t("board_loading")}</p>
      ) : (
        <>
          <PeriodTable stats={stats} which="today" now={now} />
          <PeriodTable stats={stats} which="last15m" now={now} />
          <details>
            <summary>{t("board_definitions")}</summary>
            <dl>
              {(["waiting", "longestWait", ...PERIOD_FIGURES] as const).map((f) => (
                <div key={f}>
                  <dt>{t(`board_${f}` as Key)}</dt>
                  <dd>{definition(f)}</dd>
                </div>
              ))}
            </dl>
            <p>{t("board_def_period", { zone: stats.timeZone })}</p>
          </details>
        </>
      )}
    </section>
  );
}
