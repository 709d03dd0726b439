// A coach's live session: Listen / Whisper / Barge / Leave (keys L, W, B, Esc), hold to talk
// (HoldToTalk.tsx: an on-screen button for touch and mouse, or Space), who hears the coach right
// now, the call's timer and both parties' levels (CoachCallInfo.tsx), text whispers and their history, and the call's audio. It takes the focus
// when it opens (its heading), so a keyboard user lands where the session is.
import { type RefObject, useEffect, useRef, useState } from "react";
import type {
  Call,
  CallQuality,
  CoachingMode,
  CoachingSession,
  Grant,
} from "../../../../src/protocol/resources.ts";
import type { AudioLeg } from "../../../src/media/leg.ts";
import { ok, rest } from "../shared/api.ts";
import { type Key, useI18n } from "../shared/i18n.tsx";
import { audioText } from "../shared/words.ts";
import { CoachCallInfo, WhisperHistory } from "./CoachCallInfo.tsx";
import { HoldToTalk } from "./HoldToTalk.tsx";
import { QualityDetails } from "./Quality.tsx";

export function CoachPanel({
  call,
  session,
  agentName,
  audioState,
  leg,
  quality = null,
  onError,
}: {
  call: Call;
  quality?: CallQuality | null;
  session: CoachingSession;
  audioState: string;
  /** The coach's media leg (its slots feed the level meters). */
  leg: RefObject<AudioLeg | null>;
  agentName: string;
  onError(m: string): void;
}) {
  const { t, te } = useI18n();
  const [text, setText] = useState("");
  const heading = useRef<HTMLHeadingElement>(null);
  // Once per session: Join (or a one-click mode) puts the keyboard in the panel.
  // biome-ignore lint/correctness/useExhaustiveDependencies: focus moves when a new session opens, not on each render
  useEffect(() => heading.current?.focus(), [session.id]);
  // Barge stays visible when refused, with why (Live Monitoring+); the last grant answer holds.
  const barge: Grant = call.grants?.barge ?? { allowed: false, code: null, message: null };
  const canBarge = barge.allowed;
  const mode = session.mode;
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
    };
    // Space (hold to whisper) is HoldToTalk's, with its on-screen button.
    window.addEventListener("keydown", down);
    return () => window.removeEventListener("keydown", down);
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
  const modes: CoachingMode[] = ["listen", "whisper", "barge"];
  const keys: Key[] = [
    "key_listen",
    "key_whisper",
    ...(canBarge ? (["key_barge"] as const) : []),
    "key_leave",
  ];
  const bargeWhy = barge.code ? te(barge.code) : (barge.message ?? "");
  return (
    <section className="card coach-panel" aria-labelledby={`coach-panel-${session.id}`}>
      <h2 id={`coach-panel-${session.id}`} ref={heading} tabIndex={-1}>
        {t("coachingSession", { agent: agentName })}
      </h2>
      <CoachCallInfo call={call} agentName={agentName} leg={leg} />
      <fieldset className="row modes">
        <legend className="why">{t("coachingSession", { agent: agentName })}</legend>
        {modes.map((m) => {
          const refused = m === "barge" && !canBarge;
          return (
            <button
              key={m}
              type="button"
              aria-pressed={mode === m}
              aria-disabled={refused || undefined}
              aria-describedby={refused ? `barge-why-${session.id}` : undefined}
              onClick={() => !refused && void setMode(m)}
            >
              {t(m)}
            </button>
          );
        })}
        <button type="button" className="danger" onClick={() => void leave()}>
          {t("leave")}
        </button>
        {!canBarge && (
          <span id={`barge-why-${session.id}`} className="reason">
            {bargeWhy}
          </span>
        )}
      </fieldset>
      <HoldToTalk mode={mode} setMode={setMode} id={`hold-hint-${session.id}`} />
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
        {t("keysIntro")} {keys.map((k) => t(k)).join(" · ")} ·{" "}
        <span data-audio={audioState}>{audioText(t, te, audioState)}</span>
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
      <WhisperHistory session={session} />
    </section>
  );
}
