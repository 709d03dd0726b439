// A call's conversation view (contact, tags, comments, live state), and the contact
// name that links to the contact's record where one exists.
import { useEffect, useState } from "react";
import type { Call, Contact } from "../../../../src/protocol/resources.ts";
import { ok, rest } from "../shared/api.ts";
import { HistoryLink } from "../shared/HistoryLink.tsx";
import { useLive } from "../shared/hooks.ts";
import { useI18n } from "../shared/i18n.tsx";
import type { Live } from "../shared/live.ts";
import { navigate } from "../shared/router.ts";
import { customerLabel } from "../shared/words.ts";

export function ContactName({ call }: { call: Call }) {
  const { t } = useI18n();
  if (call.contactId && call.contactName) {
    return (
      <a
        href={`/contacts/${call.contactId}`}
        onClick={(e) => {
          e.preventDefault();
          navigate(`/contacts/${call.contactId}`);
        }}
      >
        {call.contactName}
      </a>
    );
  }
  return <span>{customerLabel(t, call)}</span>;
}

function ContactHistoryLink({ contact }: { contact: Contact }) {
  const { t } = useI18n();
  const label = t("history_contactLink", { name: contact.name });
  return (
    <p>
      <HistoryLink of={{ by: "contact", id: contact.id }} label={label}>
        {label}
      </HistoryLink>
    </p>
  );
}

export function Conversation({
  live,
  callId,
  embedded = false,
}: {
  live: Live;
  callId: string;
  embedded?: boolean;
}) {
  const { t } = useI18n();
  const state = useLive(live);
  const [call, setCall] = useState<Call | null>(null);
  const [contact, setContact] = useState<Contact | null>(null);
  const liveCall = state.calls.find((c) => c.id === callId);
  // biome-ignore lint/correctness/useExhaustiveDependencies: refetch whenever the live call changes
  useEffect(() => {
    void ok(rest.GET("/api/v1/calls/{id}", { params: { path: { id: callId } } })).then((r) =>
      setCall(r.call),
    );
  }, [callId, liveCall]);
  useEffect(() => {
    if (call?.contactId)
      void ok(rest.GET("/api/v1/contacts/{id}", { params: { path: { id: call.contactId } } })).then((r) =>
        setContact(r.contact),
      );
  }, [call?.contactId]);
  if (!call) return null;
  return (
    <section className="card conversation" aria-label={t("conversation")}>
      <h2>{t("conversation")}</h2>
      <p>
        {t("contact")}: <ContactName call={call} />
        {contact?.company ? ` · ${contact.company}` : ""}
      </p>
      {contact?.notes && <p>{contact.notes}</p>}
      {contact && <ContactHistoryLink contact={contact} />}
      <p>
        {t("liveState")}:{" "}
        <span className={`call-state state-${call.state}`}>{t(`callState_${call.state}`)}</span>
        {call.coachingSession
          ? ` · ${t("coach")}: ${t(`coachedBy_${call.coachingSession.mode}`, { name: call.coachingSession.coachName })}`
          : ""}
      </p>
      <h3>{t("tags")}</h3>
      <p>{call.tags.length ? call.tags.map((tg) => `#${tg}`).join(" ") : "—"}</p>
      <h3>{t("comments")}</h3>
      <ul>
        {call.comments.map((c) => (
          <li key={c.id}>{c.text}</li>
        ))}
      </ul>
      {!embedded && (
        <button type="button" onClick={() => history.back()}>
          {t("back")}
        </button>
      )}
    </section>
  );
}

export function ContactPage({ contactId }: { contactId: string }) {
  const { t } = useI18n();
  const [contact, setContact] = useState<Contact | null>(null);
  useEffect(() => {
    void ok(rest.GET("/api/v1/contacts/{id}", { params: { path: { id: contactId } } })).then((r) =>
      setContact(r.contact),
    );
  }, [contactId]);
  if (!contact) return null;
  return (
    <section className="card" aria-label={t("contact")}>
      <h1>{contact.name}</h1>
      <p>{contact.phoneNumbers.join(", ")}</p>
      {contact.company && <p>{contact.company}</p>}
      {contact.notes && <p>{contact.notes}</p>}
      <ContactHistoryLink contact={contact} />
      <button type="button" onClick={() => history.back()}>
        {t("back")}
      </button>
    </section>
  );
}
