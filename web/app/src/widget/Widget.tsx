// The customer call widget (public): call a number from the browser; ringing →
// connected → ended.
import { useEffect, useState } from "react";
import { callCodec } from "../../../../src/protocol/calls.ts";
import type { WidgetMessage } from "../../../../src/protocol/messages.ts";
import { ok, rest } from "../shared/api.ts";
import { useAudioLeg } from "../shared/hooks.ts";
import { LanguageSwitch, useI18n } from "../shared/i18n.tsx";
import { Live } from "../shared/live.ts";
import { audioText } from "../shared/words.ts";

type Phase = "idle" | "ringing" | "connected" | "ended";

export function Widget({ numberId }: { numberId: string }) {
  const { t, te } = useI18n();
  const [name, setName] = useState<string | null>(null);
  // The failure itself, translated when shown (te): a language switch re-translates it.
  const [error, setError] = useState<unknown>(null);
  const [call, setCall] = useState<{ id: string; token: string } | null>(null);
  const [live, setLive] = useState<Live | null>(null);
  const [phase, setPhase] = useState<Phase>("idle");
  /** The customer's place in the queue while nobody has answered (null: not waiting). */
  const [position, setPosition] = useState<number | null>(null);
  useEffect(() => {
    ok(rest.GET("/api/v1/widget/numbers/{id}", { params: { path: { id: numberId } } }))
      .then((r) => setName(r.number.name))
      .catch((e: unknown) => setError(e));
  }, [numberId]);
  useEffect(() => {
    if (!call) return;
    const l = new Live(`callToken=${encodeURIComponent(call.token)}`);
    setLive(l);
    const off = l.on((message) => {
      // A widget's socket carries WidgetMessages (the call's projection), not the users' events.
      const m = message as unknown as WidgetMessage;
      if ((m.type === "call.updated" || m.type === "call.ended") && m.call.id === call.id) {
        setPhase(m.call.state === "ended" ? "ended" : m.call.state === "ringing" ? "ringing" : "connected");
        setPosition(m.call.queuePosition ?? null);
      }
    });
    void l.start();
    return () => {
      off();
      l.close();
    };
  }, [call]);
  const placeholder = new Live("callToken=none");
  const audio = useAudioLeg(
    live ?? placeholder,
    call?.id ?? null,
    "customer",
    !!live && phase !== "ended",
    callCodec("widget"),
  );
  const start = async () => {
    try {
      const r = await ok(rest.POST("/api/v1/widget/calls", { body: { numberId } }));
      setPhase("ringing");
      setCall({ id: r.call.id, token: r.callToken });
    } catch (e) {
      setError(e);
    }
  };
  const hangUp = async () => {
    if (call)
      await ok(
        rest.POST("/api/v1/widget/calls/{id}/hangup", {
          params: { path: { id: call.id } },
          headers: { "x-call-token": call.token },
        }),
      ).catch(() => {});
    setPhase("ended");
  };
  return (
    <main className="card widget">
      <h1>{name ? t("widgetTitle", { name }) : "…"}</h1>
      <LanguageSwitch />
      {error != null && <p role="alert">{te(error)}</p>}
      <p role="status" data-phase={phase}>
        {phase === "ringing"
          ? position !== null && position > 1
            ? t("queueWidgetPosition", { position: String(position) })
            : t("ringing")
          : phase === "connected"
            ? t("connected")
            : phase === "ended"
              ? t("ended")
              : ""}
      </p>
      {(phase === "idle" || phase === "ended") && (
        <button type="button" className="primary" onClick={() => void start()} disabled={!name}>
          {t("callNow")}
        </button>
      )}
      {(phase === "ringing" || phase === "connected") && (
        <button type="button" className="danger" onClick={() => void hangUp()}>
          {t("hangUp")}
        </button>
      )}
      <p className="hint">
        <span data-audio={audio.state}>{audioText(t, te, audio.state)}</span>
      </p>
    </main>
  );
}
