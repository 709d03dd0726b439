// The agent's banner while coached: what the coach is doing, in words, from the session's
// hearing (the server's routing: mode, hold and mute included — never derived here), a chime on
// each change, and a notice for a few seconds when the coach leaves, with why.
//
// What the agent may be told is the server's decision (SPEC §3, control/policy.ts agentMayKnow):
// the agent's socket and API answers carry a session only once `agentAwareAt` is set — at join
// with Notify user, or the moment the coach first became audible — so whatever arrives is shown.
// A coach who joined to listen without Notify user never reaches this client.
import { useEffect, useRef, useState } from "react";
import type { CoachingSession, Hearing } from "../../../../src/protocol/resources.ts";
import { playChime } from "../shared/hooks.ts";
import { type Key, useI18n } from "../shared/i18n.tsx";
import type { Live } from "../shared/live.ts";

type BannerKind = "listen" | "whisper" | "barge" | "customer";

/** What the agent is told the coach is doing: who hears the coach now. */
export function bannerKind(h: Hearing): BannerKind {
  if (h.agentHearsCoach && h.customerHearsCoach) return "barge";
  if (h.agentHearsCoach) return "whisper";
  if (h.customerHearsCoach) return "customer";
  return "listen";
}

/** How long the "stopped coaching" notice stays. */
const ENDED_NOTICE_MS = 6000;

export function CoachBanner({
  live,
  session,
  agentId,
}: {
  live: Live;
  /** The agent's call's session, as the server sent it (null: none). */
  session: CoachingSession | null;
  agentId: string;
}) {
  const { t } = useI18n();
  const [ended, setEnded] = useState<CoachingSession | null>(null);
  const told = session;
  const kind = told ? bannerKind(told.hearing) : null;

  const last = useRef<BannerKind | null>(null);
  useEffect(() => {
    if (kind && kind !== last.current) playChime(kind);
    last.current = kind;
  }, [kind]);

  useEffect(
    () =>
      live.on((m) => {
        if (m.type === "coaching.started" && m.session.agentId === agentId) setEnded(null);
        if (m.type !== "coaching.ended" || m.session.agentId !== agentId) return;
        setEnded(m.session);
        playChime("ended");
      }),
    [live, agentId],
  );
  useEffect(() => {
    if (!ended) return;
    const timer = setTimeout(() => setEnded(null), ENDED_NOTICE_MS);
    return () => clearTimeout(timer);
  }, [ended]);

  // One live region that stays mounted, so screen readers announce each change in it.
  return (
    <div
      role="status"
      className={told ? `banner coach-${kind}` : ended ? "banner coach-ended" : undefined}
      data-coach-mode={kind ?? undefined}
    >
      {told && kind && t(`banner_${kind}`, { name: told.coachName })}
      {!told && ended && (
        <>
          {t(`bannerEnd_${ended.endReason ?? "coach_left"}` as Key, { name: ended.coachName })}{" "}
          <button type="button" onClick={() => setEnded(null)}>
            {t("dismiss")}
          </button>
        </>
      )}
    </div>
  );
}
