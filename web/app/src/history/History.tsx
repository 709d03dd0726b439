// The call history page (issue 15): an agent's, a contact's or a number's calls (or every call
// the viewer may see), newest first, a page at a time (GET /calls?…&before=, the server decides
// who sees what). Each call is a HistoryCall; a note saved there is merged into the list.
import { useEffect, useState } from "react";
import type { Call, CoachingNote } from "../../../../src/protocol/resources.ts";
import { ok, rest } from "../shared/api.ts";
import { useLive } from "../shared/hooks.ts";
import { useI18n } from "../shared/i18n.tsx";
import type { Live } from "../shared/live.ts";
import type { HistoryOf } from "../shared/router.ts";
import { HistoryCall } from "./HistoryCall.tsx";

const PAGE = "20";

function queryOf(of: HistoryOf): { agentId?: string; contactId?: string; numberId?: string } {
  if (!of) return {};
  return of.by === "agent"
    ? { agentId: of.id }
    : of.by === "contact"
      ? { contactId: of.id }
      : { numberId: of.id };
}

/** The name the page's title carries: the agent's, the number's (from the Live store) or the contact's. */
function useSubject(live: Live, of: HistoryOf): string | null {
  const state = useLive(live);
  const [contact, setContact] = useState<string | null>(null);
  useEffect(() => {
    setContact(null);
    if (of?.by === "contact")
      void ok(rest.GET("/api/v1/contacts/{id}", { params: { path: { id: of.id } } })).then(
        (r) => setContact(r.contact.name),
        () => setContact(null),
      );
  }, [of?.by, of?.id]);
  if (!of) return null;
  if (of.by === "agent") return state.users.find((u) => u.id === of.id)?.name ?? null;
  if (of.by === "number") return state.numbers.find((n) => n.id === of.id)?.name ?? null;
  return contact;
}

export function History({ live, of }: { live: Live; of: HistoryOf }) {
  const { t, te } = useI18n();
  const state = useLive(live);
  const subject = useSubject(live, of);
  const [calls, setCalls] = useState<Call[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = async (before: string | null) => {
    setError(null);
    try {
      const query = { ...queryOf(of), limit: PAGE, ...(before ? { before } : {}) };
      const page = await ok(rest.GET("/api/v1/calls", { params: { query } }));
      setCalls((shown) => (before && shown ? [...shown, ...page.calls] : page.calls));
      setNext(page.nextBefore);
    } catch (e) {
      setError(te(e));
      setCalls((shown) => shown ?? []);
    }
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new subject starts from its newest call
  useEffect(() => {
    setCalls(null);
    void load(null);
  }, [of?.by, of?.id]);

  // A call that ends (or is tagged or commented after its end) refreshes the newest page in
  // place: its calls replace theirs, new ones go on top. A new coaching note is added to its
  // session (once: the author's own answer adds it too).
  // biome-ignore lint/correctness/useExhaustiveDependencies: the subscription follows the subject
  useEffect(
    () =>
      live.on((m) => {
        if ((m.type === "call.ended" || m.type === "call.updated") && m.call.state === "ended")
          void refresh();
        // Another supervisor's note (or this one's, from another tab): shown without a reload.
        if (m.type === "coaching.note_added") noted(m.note);
      }),
    [live, of?.by, of?.id],
  );
  const refresh = async () => {
    try {
      const page = await ok(
        rest.GET("/api/v1/calls", { params: { query: { ...queryOf(of), limit: PAGE } } }),
      );
      const fresh = new Set(page.calls.map((c) => c.id));
      const last = page.calls.at(-1)?.createdAt ?? "";
      // Older pages shown stay (ISO times of one format compare as strings); the cursor still follows them.
      setCalls((shown) => [
        ...page.calls,
        ...(shown ?? []).filter((c) => !fresh.has(c.id) && c.createdAt < last),
      ]);
    } catch (e) {
      setError(te(e));
    }
  };

  const noted = (note: CoachingNote) =>
    setCalls((shown) =>
      (shown ?? []).map((c) => ({
        ...c,
        coachingSessions: c.coachingSessions?.map((s) =>
          s.id === note.sessionId && !s.notes.some((n) => n.id === note.id)
            ? { ...s, notes: [...s.notes, note] }
            : s,
        ),
      })),
    );

  const title = subject ? t("history_titleOf", { name: subject }) : t("history_title");
  return (
    <main className="card history" aria-labelledby="history-title">
      <h1 id="history-title">{title}</h1>
      {error && <p role="alert">{error}</p>}
      {calls === null ? (
        <p role="status">{t("history_loading")}</p>
      ) : calls.length === 0 ? (
        <p>{t("history_none")}</p>
      ) : (
        <ol className="history-list" aria-label={t("history_calls")}>
          {calls.map((c) => (
            <HistoryCall
              key={c.id}
              call={c}
              users={state.users}
              numbers={state.numbers}
              monitor={!!state.me?.grants.monitor.allowed}
              onNoted={noted}
            />
          ))}
        </ol>
      )}
      {next && (
        <button type="button" onClick={() => void load(next)}>
          {t("history_more")}
        </button>
      )}
    </main>
  );
}
