// The wallboard (/wallboard, monitors): the board's figures large enough to read across a
// room on a TV, updated from the same Live store as Live Monitoring (stats.updated), with no
// control at all. Per number and in total: waiting, longest wait, and today's answered,
// abandoned, service level, ASA and AHT; the last 15 minutes' service level beside today's.
import type { LiveStats, NumberStats } from "../../../../src/protocol/stats.ts";
import { useClock } from "../shared/clock.ts";
import { type Key, useI18n } from "../shared/i18n.tsx";
import type { Live } from "../shared/live.ts";
import { longestWaitNow, PERIOD_FIGURES, useBoard, useFigures } from "./Board.tsx";
import { formatCount, formatDurationWords } from "./format.ts";

function Tile({ label, value, title }: { label: string; value: string; title: string }) {
  return (
    <div className="tile" title={title}>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

function NumberPanel({ n, stats, now }: { n: NumberStats; stats: LiveStats; now: number }) {
  const { t, lang, definition, period } = useFigures(stats);
  const name = n.numberId ? n.name : t("board_total");
  const id = `wall-${n.numberId ?? "total"}`;
  return (
    <section aria-labelledby={id} className={n.numberId ? "wall-number" : "wall-number total"}>
      <h2 id={id}>{name}</h2>
      <dl>
        <Tile label={t("board_waiting")} value={formatCount(lang, n.waiting)} title={definition("waiting")} />
        <Tile
          label={t("board_longestWait")}
          value={formatDurationWords(lang, longestWaitNow(n, stats, now), "short")}
          title={definition("longestWait")}
        />
        {PERIOD_FIGURES.map((f) => (
          <Tile
            key={f}
            label={t(`board_${f}` as Key)}
            value={period(n.today, f, "short")}
            title={definition(f)}
          />
        ))}
        <Tile
          label={`${t("board_serviceLevel")} · ${t("board_last15m")}`}
          value={period(n.last15m, "serviceLevel")}
          title={definition("serviceLevel")}
        />
      </dl>
    </section>
  );
}

export function Wallboard({ live }: { live: Live }) {
  const stats = useBoard(live);
  const now = useClock();
  const { t, lang } = useI18n();
  return (
    <main className="wallboard" aria-label={t("wallboard_title")}>
      <h1>
        {t("wallboard_title")} · {t("board_today")}
      </h1>
      {!stats ? (
        <p role="status">{t("board_loading")}</p>
      ) : (
        <>
          <NumberPanel n={stats.total} stats={stats} now={now} />
          {stats.numbers.map((n) => (
            <NumberPanel key={n.numberId} n={n} stats={stats} now={now} />
          ))}
          <p className="updated">
            {t("board_updated", {
              time: new Intl.DateTimeFormat(lang, { timeStyle: "medium" }).format(Date.parse(stats.at)),
            })}
          </p>
        </>
      )}
    </main>
  );
}
