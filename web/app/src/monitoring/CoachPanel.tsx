// A coach's live session: Listen / Whisper / Barge / Leave (keys L, W, B, Esc, hold
// Space to whisper), who hears the coach right now, text whispers, and the call's audio.
import { useEffect, useRef, useState } from "react";
import type { CallQuality, CoachingMode, CoachingSession } from "../../../../src/protocol/resources.ts";
import { ok, rest } from "../shared/api.ts";
import { type Key, useI18n } from "../shared/i18n.tsx";
import { QualityDetails } from "./Quality.tsx";

export function CoachPanel({
  session,
  agentName,
  canBarge,
  audioState,
  quality = null,
  onError,
}: {
  quality?: CallQuality | null;
  session: CoachingSession;
  audioState: string;
  agentName: string;
  canBarge: boolean;
  onError(m: string): void;
}) {
  const { t, te } = useI18n();
  const [text, setText] = useState("");
  const mode = session.mode;
  const beforeSpace = useRef<CoachingMode | null>(null);
  const setMode = (m: CoachingMode) =>
    ok(
      rest.PATCH("/api/v1/coaching-sessions/{id}", {
        params: { path: { id: session.id } },
        body: { mode: m },
      }),
    ).catch((e: unknown) => onError(te(e)));
  const leave = () =>
    ok(rest.DELETE("/api/v1/coaching-sessions/{id}", { params: { path: { id: session.id } } })).catch(
      (e: unknown) => onError(te(e)),
    );

  useEffect(() => {
    const typing = (e: KeyboardEvent) =>
      (e.target as HTMLElement | null)?.closest("input, textarea, select") !== null;
    const down = (e: KeyboardEvent) => {
      if (typing(e) || e.repeat) return;
      const k = e.key.toLowerCase();
      if (k === "l") void setMode("listen");
      else if (k === "w") void setMode("whisper");
      else if (k === "b" && canBarge) void setMode("barge");
      else if (e.key === "Escape") void leave();
      else if (e.key === " " && mode === "listen") {
        e.preventDefault();
        beforeSpace.current = mode;
        void setMode("whisper");
      }
    };
    const up = (e: KeyboardEvent) => {
      if (e.key === " " && beforeSpace.current) {
        e.preventDefault();
        void setMode(beforeSpace.current);
        beforeSpace.current = null;
      }
    };
    window.addEventListener("keydown", down);
    window.addEventListener("keyup", up);
    return () => {
      window.removeEventListener("keydown", down);
      window.removeEventListener("keyup", up);
    };
  });

  // The server's hearing (the routing: hold and mute included), rendered as it is.
  const { hearing } = session;
  const hearers: Key[] = [
    ...(hearing.agentHearsCoach ? (["agent"] as const) : []),
    ...(hearing.customerHearsCoach ? (["customer"] as const) : []),
  ];
  const heard: Key[] = [
    ...(hearing.coachHearsCustomer ? (["customer"] as const) : []),
    ...(hearing.coachHearsAgent ? (["agent"] as const) : []),
  ];
  const names = (keys: Key[]) => (keys.length === 0 ? t("nobody") : keys.map((k) => t(k)).join(", "));
  const modes: [CoachingMode, Key][] = [
    ["listen", "listen"],
    ["whisper", "whisper"],
    ...(canBarge ? ([["barge", "barge"]] as [CoachingMode, Key][]) : []),
  ];
  return (
    <section className="card coach-panel" aria-label={t("coachingSession", { agent: agentName })}>
      <h2>{t("coachingSession", { agent: agentName })}</h2>
      <fieldset className="row modes">
        <legend className="why">{t("coachingSession", { agent: agentName })}</legend>
        {modes.map(([m, label]) => (
          <button key={m} type="button" aria-pressed={mode === m} onClick={() => void setMode(m)}>
            {t(label)}
          </button>
        ))}
        <button type="button" className="danger" onClick={() => void leave()}>
          {t("leave")}
        </button>
      </fieldset>
      <p
        className={`heard-by ${hearers.length ? "live" : ""}`}
        role="status"
        data-agent-hears={hearing.agentHearsCoach}
        data-customer-hears={hearing.customerHearsCoach}
      >
        {t("heardBy", { who: names(hearers) })}
      </p>
      <p
        className="hears"
        data-hears-customer={hearing.coachHearsCustomer}
        data-hears-agent={hearing.coachHearsAgent}
      >
        {t("youHear", { who: names(heard) })}
      </p>
      <QualityDetails quality={quality} />
      <p className="hint">
        {t("shortcuts")} · audio: <span data-audio>{audioState}</span>
      </p>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (!text.trim()) return;
          void ok(
            rest.POST("/api/v1/coaching-sessions/{id}/messages", {
              params: { path: { id: session.id } },
              body: { text: text.trim() },
            }),
          )
            .then(() => setText(""))
            .catch((err: unknown) => onError(te(err)));
        }}
      >
        <label>
          {t("textWhisper")} <input value={text} maxLength={500} onChange={(e) => setText(e.target.value)} />
        </label>
        <button type="submit">{t("sendMessage")}</button>
      </form>
    </section>
  );
}
