// A short rising chime when an agent raises a hand on a call this supervisor watches (the
// hand.raised event; Live Monitoring and only while it is open). The test build counts it
// (testHooks.countHandChime); with no audio output the row's ✋ is still the signal.
import { useEffect } from "react";
import type { Live } from "../shared/live.ts";
import { countHandChime } from "../shared/testHooks.ts";

let audio: AudioContext | null = null;

export function playHandChime(): void {
  try {
    audio ??= new AudioContext();
    const ctx = audio;
    const o = ctx.createOscillator();
    const g = ctx.createGain();
    o.frequency.setValueAtTime(523, ctx.currentTime);
    o.frequency.linearRampToValueAtTime(784, ctx.currentTime + 0.12);
    g.gain.setValueAtTime(0.12, ctx.currentTime);
    g.gain.exponentialRampToValueAtTime(0.001, ctx.currentTime + 0.3);
    o.connect(g).connect(ctx.destination);
    o.start();
    o.stop(ctx.currentTime + 0.3);
    countHandChime();
  } catch (e) {
    console.warn("earshot: no audio output for the raised-hand chime", e);
  }
}

/** Plays the chime on every hand that goes up while the page is open. */
export function useHandChime(live: Live): void {
  useEffect(() => live.on((m) => m.type === "hand.raised" && playHandChime()), [live]);
}
