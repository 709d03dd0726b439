// React glue: the live state, and a call's media leg for one role.
import { useEffect, useRef, useState, useSyncExternalStore } from "react";
import type { LegRole } from "../../../../src/protocol/messages.ts";
import { AudioLeg } from "../../../src/media/leg.ts";
import { fetchIceServers } from "./api.ts";
import type { Live, LiveState } from "./live.ts";
import { loadSetup } from "./setupChoice.ts";

/** The tab's live audio legs by role, for the network check and for end-to-end tests' spectrum checks. */
function exposed(): Record<string, AudioLeg> {
  const w = window as { earshotLegs?: Record<string, AudioLeg> };
  w.earshotLegs ??= {};
  return w.earshotLegs;
}

export function useLive(live: Live): LiveState {
  return useSyncExternalStore(
    (cb) => live.onChange(cb),
    () => live.state,
  );
}

/** Attaches this browser's microphone to `callId` as `role` while `active`; closes it after. */
export function useAudioLeg(
  live: Live,
  callId: string | null,
  role: LegRole,
  active: boolean,
  codec?: "opus" | "pcmu",
) {
  const [state, setState] = useState<string>("idle");
  const legRef = useRef<AudioLeg | null>(null);
  useEffect(() => {
    if (!active || !callId) return;
    let cancelled = false;
    let legId: string | null = null;
    /** The leg from the moment it exists: the server's candidates may come before start() returns. */
    let current: AudioLeg | null = null;
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
          deviceId: setup?.micId || undefined,
          sinkId: setup?.speakerId || undefined,
          onLeg: (l) => {
            current = l;
          },
          signal: async (sdp, restart) => {
            const reply = await live.request(
              restart ? { type: "media.restart", legId, sdp } : { type: "media.offer", callId, role, sdp },
            );
            if (reply.type !== "media.answer")
              throw new Error("message" in reply ? reply.message : "refused");
            legId = reply.legId;
            return reply.sdp;
          },
          sendCandidate: (candidate) => {
            if (legId) live.send({ type: "media.candidate", legId, candidate });
          },
          onStateChange: (s) => setState(s),
        });
        if (cancelled) leg.close();
        else {
          legRef.current = leg;
          exposed()[role] = leg;
        }
      } catch (e) {
        if (!cancelled) setState(`failed: ${(e as Error).message}`);
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
      if (legId) live.send({ type: "media.close", legId });
      legRef.current?.close();
      legRef.current = null;
      current?.close();
      delete exposed()[role];
      setState("idle");
    };
  }, [live, callId, role, active, codec]);
  return { state, leg: legRef };
}

/** A short two-tone chime (the agent's "you are being coached" sound). */
export function playChime(): void {
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
    (window as { earshotChimes?: number }).earshotChimes =
      ((window as { earshotChimes?: number }).earshotChimes ?? 0) + 1;
  } catch {
    // no audio output: the banner still shows
  }
}

export function formatDuration(fromIso: string | null, now: number): string {
  if (!fromIso) return "—";
  const s = Math.max(0, Math.floor((now - Date.parse(fromIso)) / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(t);
  }, [intervalMs]);
  return now;
}
