// The coach panel's view of the call: the call timer (since answered, ticking), both parties
// with their live audio level (the coach's two receive slots, protocol/slots.ts), and the text
// whispers the coach sent (the session's `messages`, which the server keeps).
import type { RefObject } from "react";
import type { Call, CoachingSession } from "../../../../src/protocol/resources.ts";
import { SLOT_SOURCES } from "../../../../src/protocol/slots.ts";
import type { AudioLeg } from "../../../src/media/leg.ts";
import { formatDuration, useNow } from "../shared/hooks.ts";
import { useI18n } from "../shared/i18n.tsx";
import { customerLabel } from "../shared/words.ts";
import { LevelMeter } from "./LevelMeter.tsx";

export function CoachCallInfo({
  call,
  agentName,
  leg,
}: {
  call: Call;
  agentName: string;
  leg: RefObject<AudioLeg | null>;
}) {
  const { t } = useI18n();
  const now = useNow();
  const names = { customer: customerLabel(t, call), agent: agentName, coach: "" };
  return (
    <div className="call-info">
      <p>
        {t("callTime")}: <time data-call-timer>{formatDuration(call.answeredAt, now)}</time>
      </p>
      <ul className="parties" aria-label={t("partiesHeard")}>
        {SLOT_SOURCES.coach.map((party, slot) => (
          <li key={party}>
            <span>
              {t(party)}: {names[party]}
            </span>{" "}
            <LevelMeter leg={leg} slot={slot as 0 | 1} label={t("audioLevel", { who: names[party] })} />
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The text whispers the coach sent in this session, oldest first. */
export function WhisperHistory({ session }: { session: CoachingSession }) {
  const { t } = useI18n();
  const time = new Intl.DateTimeFormat(document.documentElement.lang || undefined, { timeStyle: "short" });
  return (
    <section className="whispers" aria-label={t("whisperHistory")}>
      <h3>{t("whisperHistory")}</h3>
      {session.messages.length === 0 ? (
        <p className="hint">{t("noWhispers")}</p>
      ) : (
        <ol>
          {session.messages.map((m) => (
            <li key={m.at + m.text}>
              <time dateTime={m.at}>{time.format(new Date(m.at))}</time> {m.text}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
