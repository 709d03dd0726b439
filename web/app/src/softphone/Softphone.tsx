// The agent softphone: availability, ringing calls with Answer, the live call with its
// actions and audio, the coach's banner (CoachBanner.tsx) and text whispers, a dialler.
import { useEffect, useState } from "react";
import { isLive } from "../../../../src/protocol/calls.ts";
import { ContactName } from "../conversation/Conversation.tsx";
import { ok, rest } from "../shared/api.ts";
import { DemoCallButton } from "../shared/DemoCallButton.tsx";
import { formatDuration, useAudioLeg, useLive, useNow } from "../shared/hooks.ts";
import { useI18n } from "../shared/i18n.tsx";
import type { Live } from "../shared/live.ts";
import { audioText } from "../shared/words.ts";
import { CallControls } from "./CallControls.tsx";
import { CoachBanner } from "./CoachBanner.tsx";
import { TransferStatus } from "./TransferStatus.tsx";

export function Softphone({ live }: { live: Live }) {
  const { t, te } = useI18n();
  const state = useLive(live);
  const now = useNow();
  const me = state.me;
  const [error, setError] = useState<string | null>(null);
  const [messages, setMessages] = useState<{ at: string; text: string }[]>([]);
  const [to, setTo] = useState("");
  const myNumbers = state.numbers.filter((n) => me && n.userIds.includes(me.id));
  const [from, setFrom] = useState("");
  const call = state.calls.find((c) => c.agentId === me?.id && c.state !== "ended" && !c.externalTransfer);
  const ringing = state.calls.filter((c) => c.state === "ringing" && me && c.ringingUserIds.includes(me.id));
  const audioOn = !!call && isLive(call.state);
  const audio = useAudioLeg(live, call?.id ?? null, "agent", audioOn);

  useEffect(
    () =>
      live.on((m) => {
        if (m.type === "coaching.message") setMessages((ms) => [...ms, { at: m.at, text: m.text }]);
      }),
    [live],
  );
  useEffect(() => {
    if (!call) setMessages([]);
  }, [call]);

  if (!me) return null;
  const dial = async () => {
    const numberId = from || myNumbers[0]?.id;
    if (!numberId || !to) return;
    await ok(rest.POST("/api/v1/calls", { body: { numberId, to } })).catch((e: unknown) => setError(te(e)));
  };
  return (
    <main className="softphone" aria-label={t("softphone")}>
      {error && (
        <p role="alert" onClick={() => setError(null)} onKeyDown={() => setError(null)}>
          {error}
        </p>
      )}
      <CoachBanner live={live} session={call?.coachingSession ?? null} agentId={me.id} />
      {ringing.map((c) => (
        <section key={c.id} className="card ringing" aria-label={t("incomingCall")}>
          <h2>{t("incomingCall")}</h2>
          <p>
            <ContactName call={c} /> → {state.numbers.find((n) => n.id === c.numberId)?.name}
          </p>
          <button
            type="button"
            className="primary"
            disabled={c.grants ? !c.grants.answer.allowed : false}
            title={c.grants?.answer.code ? te(c.grants.answer.code) : undefined}
            onClick={() =>
              void ok(rest.POST("/api/v1/calls/{id}/answer", { params: { path: { id: c.id } } })).catch(
                (e: unknown) => setError(te(e)),
              )
            }
          >
            {t("answer")}
          </button>
        </section>
      ))}
      {call ? (
        <section className="card" aria-label={t("conversation")}>
          <h2>
            <ContactName call={call} />
          </h2>
          <p>
            {state.numbers.find((n) => n.id === call.numberId)?.name} · {t(`callState_${call.state}`)} ·{" "}
            {formatDuration(call.answeredAt, now)} ·{" "}
            <span data-audio={audio.state}>{audioText(t, te, audio.state)}</span>
          </p>
          {call.tags.length > 0 && <p>{call.tags.map((tg) => `#${tg}`).join(" ")}</p>}
          <TransferStatus call={call} users={state.users} now={now} onError={setError} />
          <CallControls call={call} users={state.users} meId={me.id} onError={setError} />
          {messages.length > 0 && (
            <section aria-label={t("coachMessages")}>
              <h3>{t("coachMessages")}</h3>
              <ul>
                {messages.map((m) => (
                  <li key={m.at + m.text}>{m.text}</li>
                ))}
              </ul>
            </section>
          )}
        </section>
      ) : (
        ringing.length === 0 && <p>{t("noCall")}</p>
      )}
      {!call && (
        <form
          className="card row"
          onSubmit={(e) => {
            e.preventDefault();
            void dial();
          }}
        >
          <label>
            {t("fromNumber")}{" "}
            <select value={from} onChange={(e) => setFrom(e.target.value)}>
              {myNumbers.map((n) => (
                <option key={n.id} value={n.id}>
                  {n.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t("numberToCall")}{" "}
            <input value={to} onChange={(e) => setTo(e.target.value)} placeholder="+34…" />
          </label>
          <button type="submit">{t("dial")}</button>
        </form>
      )}
      <DemoCallButton numbers={state.numbers} meId={state.me?.id ?? null} onError={setError} />
    </main>
  );
}
