// The coach's push-to-talk: whisper to the agent only while held, then back to the mode
// before (listen, or barge). Held by pointer (touch, pen or mouse: pointer capture, so a finger
// sliding off still ends on release) or by the Space key outside a text field. The button's
// aria-pressed says when it is held; the panel's "who hears you" is the server's answer.
// The mode changes go out one after the other, so a quick tap never lands in the wrong order.
import { useEffect, useRef, useState } from "react";
import type { CoachingMode } from "../../../../src/protocol/resources.ts";
import { useI18n } from "../shared/i18n.tsx";

export function HoldToTalk({
  mode,
  setMode,
  id,
}: {
  mode: CoachingMode;
  setMode(m: CoachingMode): Promise<unknown>;
  /** Unique per session: the hint's element id. */
  id: string;
}) {
  const { t } = useI18n();
  const [held, setHeld] = useState(false);
  const before = useRef<CoachingMode | null>(null);
  const queue = useRef<Promise<unknown>>(Promise.resolve());
  const send = (m: CoachingMode) => {
    queue.current = queue.current.then(() => setMode(m));
  };
  const press = () => {
    if (before.current !== null) return;
    before.current = mode;
    setHeld(true);
    if (mode !== "whisper") send("whisper");
  };
  const release = () => {
    const back = before.current;
    if (back === null) return;
    before.current = null;
    setHeld(false);
    if (back !== "whisper") send(back);
  };

  useEffect(() => {
    const typing = (e: KeyboardEvent) =>
      (e.target as HTMLElement | null)?.closest("input, textarea, select") !== null;
    const down = (e: KeyboardEvent) => {
      if (e.key !== " " || typing(e)) return;
      e.preventDefault();
      if (!e.repeat) press();
    };
    const up = (e: KeyboardEvent) => {
      if (e.key !== " ") return;
      e.preventDefault();
      release();
    };
    window.addEventListener("keydown", down);
    window.addEventListener("keyup", up);
    window.addEventListener("blur", release);
    return () => {
      window.removeEventListener("keydown", down);
      window.removeEventListener("keyup", up);
      window.removeEventListener("blur", release);
    };
  });

  return (
    <p className="row">
      <button
        type="button"
        className="hold-to-talk"
        aria-pressed={held}
        aria-describedby={id}
        onPointerDown={(e) => {
          if (e.button !== 0) return;
          e.currentTarget.setPointerCapture(e.pointerId);
          press();
        }}
        onPointerUp={release}
        onPointerCancel={release}
        onLostPointerCapture={release}
        onContextMenu={(e) => e.preventDefault()}
      >
        {t("holdToTalk")}
      </button>
      <span id={id} className="hint">
        {t("holdToTalkHint")}
      </span>
    </p>
  );
}
