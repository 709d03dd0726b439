// The "Coaching note" form on an ended call's coaching session (POST /coaching-sessions/{id}/notes):
// shown only where the call's coachingNote grant allows it; a refusal reads in the user's language.
import { useId, useState } from "react";
import { COACHING_NOTE_MAX } from "../../../../src/protocol/calls.ts";
import type { CoachingNote } from "../../../../src/protocol/resources.ts";
import { formatCount } from "../monitoring/format.ts";
import { ok, rest } from "../shared/api.ts";
import { useI18n } from "../shared/i18n.tsx";

export function NoteForm({ sessionId, onSaved }: { sessionId: string; onSaved(note: CoachingNote): void }) {
  const { t, te, lang } = useI18n();
  const id = useId();
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const submit = async () => {
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      const r = await ok(
        rest.POST("/api/v1/coaching-sessions/{id}/notes", {
          params: { path: { id: sessionId } },
          body: { text },
        }),
      );
      onSaved(r.note);
      setText("");
      setSaved(true);
    } catch (e) {
      setError(te(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="note-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <label htmlFor={`${id}-text`}>{t("history_note")}</label>
      <textarea
        id={`${id}-text`}
        value={text}
        required
        maxLength={COACHING_NOTE_MAX}
        rows={3}
        aria-describedby={`${id}-count`}
        onChange={(e) => setText(e.target.value)}
      />
      <small id={`${id}-count`}>
        {t("history_noteLength", {
          count: formatCount(lang, text.length),
          max: formatCount(lang, COACHING_NOTE_MAX),
        })}
      </small>
      <button type="submit" disabled={busy}>
        {t("history_saveNote")}
      </button>
      {error && <p role="alert">{error}</p>}
      <p role="status">{saved ? t("history_noteSaved") : ""}</p>
    </form>
  );
}
