// One call of the history: when (Intl), who, talk time, the outcome in words, tags, comments,
// and each coaching session (coach, modes used, how long, why it ended) with its notes and, for
// a viewer the call's `coachingNote` grant allows, the "Coaching note" form.
import type {
  Call,
  CoachingNote,
  CoachingSession,
  PhoneNumber,
  User,
} from "../../../../src/protocol/resources.ts";
import { DASH, formatDurationWords } from "../monitoring/format.ts";
import { type Key, type Lang, type T, useI18n } from "../shared/i18n.tsx";
import { customerLabel } from "../shared/words.ts";
import { historyEn } from "./i18n.history.ts";
import { NoteForm } from "./NoteForm.tsx";

const dateTime = (lang: Lang, iso: string) =>
  new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));

/** The call's outcome in words: its end reason, or its state while it has not ended. */
export function outcomeText(t: T, call: Pick<Call, "state" | "endReason">): string {
  if (call.state !== "ended") return t("outcome_live");
  const key = `outcome_${call.endReason}`;
  return key in historyEn ? t(key as Key) : (call.endReason ?? t("callState_ended"));
}

function Session({ s, lang, monitorNote }: { s: CoachingSession; lang: Lang; monitorNote: React.ReactNode }) {
  const { t } = useI18n();
  const modes = new Intl.ListFormat(lang, { type: "conjunction" }).format(s.modesUsed.map((m) => t(m)));
  const reason = s.endReason && `coachEnd_${s.endReason}`;
  return (
    <li className="history-session">
      <p>
        {s.endedAt
          ? t("history_session", {
              coach: s.coachName,
              modes,
              duration: formatDurationWords(lang, s.durationMs),
            })
          : t("history_sessionLive", { coach: s.coachName, modes })}
        {reason && reason in historyEn ? ` · ${t("history_sessionEnd", { reason: t(reason as Key) })}` : ""}
      </p>
      {s.notes.length > 0 && (
        <>
          <h4>{t("history_notes")}</h4>
          <ul className="history-notes">
            {s.notes.map((n) => (
              <li key={n.id}>
                <small>
                  {t("history_noteBy", { author: n.authorName, when: dateTime(lang, n.createdAt) })}
                </small>
                <p>{n.text}</p>
              </li>
            ))}
          </ul>
        </>
      )}
      {monitorNote}
    </li>
  );
}

export function HistoryCall(props: {
  call: Call;
  users: User[];
  numbers: PhoneNumber[];
  monitor: boolean;
  onNoted(note: CoachingNote): void;
}) {
  const { call, users, numbers, monitor, onNoted } = props;
  const { t, te, lang } = useI18n();
  const nameOf = (id: string | null) => (id && users.find((u) => u.id === id)?.name) || DASH;
  const talk =
    call.answeredAt && call.endedAt ? Date.parse(call.endedAt) - Date.parse(call.answeredAt) : null;
  const sessions = call.coachingSessions ?? [];
  const grant = call.grants?.coachingNote;
  const titleId = `history-call-${call.id}`;
  const noteFor = (s: CoachingSession) =>
    grant?.allowed ? (
      <NoteForm sessionId={s.id} onSaved={onNoted} />
    ) : monitor && grant?.code ? (
      <p className="reason">{te(grant.code)}</p>
    ) : null;
  return (
    <li className="history-call" data-call={call.id} aria-labelledby={titleId}>
      <h2 id={titleId}>
        {t("history_call", {
          direction: t(call.direction === "inbound" ? "history_inbound" : "history_outbound"),
          when: dateTime(lang, call.createdAt),
        })}
      </h2>
      <dl>
        <dt>{t("customer")}</dt>
        <dd>{customerLabel(t, call)}</dd>
        <dt>{t("number")}</dt>
        <dd>{numbers.find((n) => n.id === call.numberId)?.name ?? DASH}</dd>
        <dt>{t("agent")}</dt>
        <dd>{nameOf(call.agentId)}</dd>
        <dt>{t("history_talkTime")}</dt>
        <dd>{call.answeredAt ? formatDurationWords(lang, talk) : t("history_notAnswered")}</dd>
        <dt>{t("history_outcome")}</dt>
        <dd>{outcomeText(t, call)}</dd>
        <dt>{t("tags")}</dt>
        <dd>{call.tags.length ? call.tags.map((tag) => `#${tag}`).join(" ") : t("history_noTags")}</dd>
      </dl>
      <h3>{t("comments")}</h3>
      {call.comments.length === 0 ? (
        <p>{t("history_noComments")}</p>
      ) : (
        <ul>
          {call.comments.map((c) => (
            <li key={c.id}>
              {nameOf(c.authorId)}: {c.text}
            </li>
          ))}
        </ul>
      )}
      <h3>{t("history_coaching")}</h3>
      {sessions.length === 0 ? (
        <p>{t("history_notCoached")}</p>
      ) : (
        <ul>
          {sessions.map((s) => (
            <Session key={s.id} s={s} lang={lang} monitorNote={noteFor(s)} />
          ))}
        </ul>
      )}
    </li>
  );
}
