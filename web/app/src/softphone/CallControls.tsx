// The agent's actions on a live call: mute, hold, transfer, add a third party (conference),
// tag, comment, raise hand, hang up. There is deliberately no control to remove a coach.
import { useState } from "react";
import { isLive } from "../../../../src/protocol/calls.ts";
import type { Call, CallGrants, User } from "../../../../src/protocol/resources.ts";
import { ok, rest } from "../shared/api.ts";
import { useI18n } from "../shared/i18n.tsx";
import { ThirdPartyForm, useEndCoachingConfirm, useNumberField } from "./NumberDialling.tsx";

export function CallControls({
  call,
  users,
  meId,
  onError,
}: {
  call: Call;
  users: User[];
  meId: string;
  onError(m: string): void;
}) {
  const { t, te } = useI18n();
  const [target, setTarget] = useState("");
  const external = useNumberField(`external-${call.id}`);
  const ending = useEndCoachingConfirm();
  const id = { path: { id: call.id } };
  const act = (request: Parameters<typeof ok>[0]) => ok(request).catch((e: unknown) => onError(te(e)));
  if (!isLive(call.state)) return null;
  // What the server grants, rendered: a refused action is disabled and says why.
  const may = (grant: keyof CallGrants) => {
    const g = call.grants?.[grant];
    return { disabled: g ? !g.allowed : false, title: g?.code ? te(g.code) : undefined };
  };
  const onHold = call.state === "on_hold";
  return (
    <div className="controls">
      <div className="row">
        <button
          type="button"
          aria-pressed={call.agentMuted}
          {...may(call.agentMuted ? "unmute" : "mute")}
          onClick={() =>
            void act(
              rest.POST(call.agentMuted ? "/api/v1/calls/{id}/unmute" : "/api/v1/calls/{id}/mute", {
                params: id,
              }),
            )
          }
        >
          {call.agentMuted ? t("unmute") : t("mute")}
        </button>
        <button
          type="button"
          {...may(onHold ? "resume" : "hold")}
          onClick={() =>
            void act(
              rest.POST(onHold ? "/api/v1/calls/{id}/resume" : "/api/v1/calls/{id}/hold", { params: id }),
            )
          }
        >
          {onHold ? t("resume") : t("hold")}
        </button>
        <button
          type="button"
          aria-pressed={call.handRaised}
          {...may("raiseHand")}
          onClick={() =>
            void act(rest.POST("/api/v1/calls/{id}/hand", { params: id, body: { raised: !call.handRaised } }))
          }
        >
          {call.handRaised ? t("lowerHand") : t("raiseHand")}
        </button>
        <button
          type="button"
          className="danger"
          {...may("hangUp")}
          onClick={() => void act(rest.POST("/api/v1/calls/{id}/hangup", { params: id }))}
        >
          {t("hangUp")}
        </button>
      </div>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (target)
            void act(rest.POST("/api/v1/calls/{id}/transfer", { params: id, body: { toUserId: target } }));
          else if (external.value.trim()) {
            const toNumber = external.checked();
            if (toNumber)
              ending.confirm(call.grants?.transfer, "external", () =>
                ok(rest.POST("/api/v1/calls/{id}/transfer", { params: id, body: { toNumber } })).catch(
                  (e: unknown) => external.refused(e, onError),
                ),
              );
          }
        }}
      >
        <label>
          {t("transferTo")} {t("transferToUser")}{" "}
          <select value={target} onChange={(e) => setTarget(e.target.value)}>
            <option value="">—</option>
            {users
              .filter((u) => u.id !== meId && u.availability === "available" && !u.currentCallId)
              .map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                </option>
              ))}
          </select>
        </label>
        <label htmlFor={`external-${call.id}`}>{t("transferToNumber")}</label> {external.input("+34…")}
        <button type="submit" {...may("transfer")}>
          {t("transfer")}
        </button>
        {external.problem}
        {ending.dialog}
      </form>
      {call.conference ? (
        <p className="row" role="status">
          {call.thirdParty ? `${t("conferenceWith")} ${call.thirdParty}` : t("thirdPartyLeft")}
        </p>
      ) : (
        <ThirdPartyForm callId={call.id} grant={call.grants?.addParty} onError={onError} />
      )}
      <FieldForm
        label={t("tag")}
        button={t("addTag")}
        maxLength={40}
        grant={may("tag")}
        onSubmit={(tag) => act(rest.POST("/api/v1/calls/{id}/tags", { params: id, body: { tag } }))}
      />
      <FieldForm
        label={t("comment")}
        button={t("addComment")}
        maxLength={2000}
        grant={may("comment")}
        onSubmit={(text) => act(rest.POST("/api/v1/calls/{id}/comments", { params: id, body: { text } }))}
      />
      <Comments call={call} users={users} />
    </div>
  );
}

/** One text field and its button: submits the trimmed text, then clears the field. */
function FieldForm({
  label,
  button,
  placeholder,
  maxLength,
  grant,
  onSubmit,
}: {
  label: string;
  button: string;
  placeholder?: string;
  maxLength?: number;
  /** The server's grant for this action: disabled, with why, when refused. */
  grant: { disabled: boolean; title: string | undefined };
  onSubmit(text: string): Promise<unknown>;
}) {
  const [text, setText] = useState("");
  return (
    <form
      className="row"
      onSubmit={(e) => {
        e.preventDefault();
        if (text.trim()) void onSubmit(text.trim()).then(() => setText(""));
      }}
    >
      <label>
        {label}{" "}
        <input
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder={placeholder}
          maxLength={maxLength}
        />
      </label>
      <button type="submit" {...grant}>
        {button}
      </button>
    </form>
  );
}

/** The call's comments, oldest first, with who wrote them and when (they stay on the call). */
function Comments({ call, users }: { call: Call; users: User[] }) {
  const { t, lang } = useI18n();
  if (call.comments.length === 0) return null;
  const time = new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit" });
  return (
    <section aria-label={t("comments")}>
      <ul className="comments">
        {call.comments.map((c) => (
          <li key={c.id}>
            {c.text}{" "}
            <small>
              — {users.find((u) => u.id === c.authorId)?.name ?? t("someone")},{" "}
              {time.format(new Date(c.createdAt))}
            </small>
          </li>
        ))}
      </ul>
    </section>
  );
}
