// React glue: the live state, and a call's media leg for one role.
import { useEffect, useRef, useState, useSyncExternalStore } from "react";
import type { CallCodec } from "../../../../src/protocol/calls.ts";
import type { LegRole } from "../../../../src/protocol/messages.ts";
import { AudioLeg } from "../../../src/media/leg.ts";
import { ApiFailure, fetchIceServers } from "./api.ts";
import { Live, type LiveState } from "./live.ts";
import { loadSetup } from "./setupChoice.ts";
import { countChime, exposeLeg, TEST_HOOKS } from "./testHooks.ts";

export function useLive(live: Live): LiveState {
  return useSyncExternalStore(
    (cb) => live.onChange(cb),
    () => live.state,
  );
}

/**
 * A Live store owned by the calling component: one effect creates, starts and closes it, so
 * StrictMode's mount → unmount → mount closes the first store and makes a second one (a store
 * made in useMemo would be closed by the first cleanup and never reopen). Null until the effect ran.
 */
export function useOwnedLive(query: string): { live: Live | null; error: string | null } {
  const [owned, setOwned] = useState<{ live: Live | null; error: string | null }>({
    live: null,
    error: null,
  });
  useEffect(() => {
    const live = new Live(query);
    setOwned({ live, error: null });
    live.start().catch((e: Error) => setOwned((o) => (o.live === live ? { live, error: e.message } : o)));
    return () => live.close();
  }, [query]);
  return owned;
}

/** Attaches this browser's microphone to `callId` as `role` while `active`; closes it after. */
export function useAudioLeg(
  live: Live,
  callId: string | null,
  role: LegRole,
  active: boolean,
  codec?: CallCodec,
) {
  const [state, setState] = useState<string>("idle");
  const legRef = useRef<AudioLeg | null>(null);
  useEffect(() => {
    if (!active || !callId) return;
    let cancelled = false;
    let legId: string | null = null;
    /** The leg from the moment it exists: the server's candidates may come before start() returns. */
    let current: AudioLeg | null = null;
    let serverLegClosed = false;
    const closeServerLeg = () => {
      if (!legId || serverLegClosed) return;
      serverLegClosed = true;
      live.send({ type: "media.close", legId });
    };
    const setup = loadSetup();
    setState("connecting");
    void (async () => {
      try {
        await live.ready();
        // Fresh TURN credentials for every leg: they expire (EARSHOT_TURN_TTL_S).
        const iceServers = await fetchIceServers(live.callToken);
        if (cancelled) return;
        const leg = await AudioLeg.start({
          role,
          iceServers,
          codec,
          analysers: TEST_HOOKS,
          deviceId: setup?.micId || undefined,
          sinkId: setup?.speakerId || undefined,
          onLeg: (l) => {
            current = l;
          },
          signal: async (sdp, restart) => {
            if (restart && !legId) throw new Error("no leg to restart yet");
            const reply = await live.request(
              restart && legId
                ? { type: "media.restart", legId, sdp }
                : { type: "media.offer", callId, role, sdp },
            );
            if (reply.type !== "media.answer")
              throw reply.type === "error"
                ? new ApiFailure(0, reply.code, reply.message)
                : new Error("refused");
            legId = reply.legId;
            return reply.sdp;
          },
          sendCandidate: (candidate) => {
            if (!legId) return;
            // RTCIceCandidate.toJSON() always has `candidate`; the protocol requires it.
            const init = candidate ? { ...candidate, candidate: candidate.candidate ?? "" } : null;
            live.send({ type: "media.candidate", legId, candidate: init });
          },
          onStateChange: (s) => setState(s),
        });
        if (cancelled) {
          // Unmounted while negotiating (StrictMode's first mount, or a quick switch): the server's
          // leg is closed too; a newer leg of the same role replaces it on the server in any case.
          leg.close();
          closeServerLeg();
        } else {
          legRef.current = leg;
          exposeLeg(role, leg);
        }
      } catch (e) {
        // A refusal keeps its error code, which the view translates (words.ts audioText).
        if (!cancelled) setState(`failed: ${e instanceof ApiFailure ? e.code : (e as Error).message}`);
      }
    })();
    const off = live.on((m) => {
      if (m.type === "media.candidate" && m.legId === legId) void current?.addRemoteCandidate(m.candidate);
      if (m.type === "media.closed" && m.legId === legId) {
        current?.close();
        legRef.current?.close();
        legRef.current = null;
        setState("closed");
      }
    });
    return () => {
      cancelled = true;
      off();
      closeServerLeg();
      legRef.current?.close();
      legRef.current = null;
      current?.close();
      exposeLeg(role, null);
      setState("idle");
    };
  }, [live, callId, role, active, codec]);
  return { state, leg: legRef };
}

/** A short two-tone chime (the agent's "what the coach is doing changed" sound); `what` it announced goes to the test hooks. */
export function playChime(what: string): void {
  try {
    const ctx = new AudioContext();
    for (const [i, f] of [660, 880].entries()) {
      const o = ctx.createOscillator();
      const g = ctx.createGain();
      o.frequency.value = f;
      g.gain.setValueAtTime(0.15, ctx.currentTime + i * 0.18);
      g.gain.exponentialRampToValueAtTime(0.001, ctx.currentTime + i * 0.18 + 0.16);
      o.connect(g).connect(ctx.destination);
      o.start(ctx.currentTime + i * 0.18);
      o.stop(ctx.currentTime + i * 0.18 + 0.17);
    }
    // A context per chime, closed once it has played (browsers cap how many a page may hold).
    setTimeout(() => void ctx.close().catch(() => {}), 600);
    countChime(what);
  } catch {
    // no audio output: the banner still shows
  }
}

const digits = new Map<string, { one: Intl.NumberFormat; two: Intl.NumberFormat }>();
/** A clock's digit formats for `lang`, made once: a tick formats every shown duration. */
function clockDigits(lang: string): { one: Intl.NumberFormat; two: Intl.NumberFormat } {
  let d = digits.get(lang);
  if (!d) {
    const l = lang || undefined;
    d = {
      one: new Intl.NumberFormat(l, { useGrouping: false }),
      two: new Intl.NumberFormat(l, { minimumIntegerDigits: 2, useGrouping: false }),
    };
    digits.set(lang, d);
  }
  return d;
}

/**
 * The time since `fromIso` (a call's answeredAt) as a clock, 1:05 or 1:02:05, its digits through
 * Intl in the page's language; "—" before the call is answered.
 */
export function formatDuration(fromIso: string | null, now: number): string {
  if (!fromIso) return "—";
  const total = Math.max(0, Math.floor((now - Date.parse(fromIso)) / 1000));
  const { one, two } = clockDigits(document.documentElement.lang);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${one.format(h)}:${two.format(m)}:${two.format(s)}` : `${one.format(m)}:${two.format(s)}`;
}

export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(t);
  }, [intervalMs]);
  return now;
}
