// A live audio level for one receive slot of the coach's leg (whose slots carry the customer and
// the agent, protocol/slots.ts): a product feature, so it has its own small AnalyserNode in every
// build — the per-slot FFT analysers that tests measure exist only in the test build
// (shared/testHooks.ts, AudioLeg's `analysers` option).
import { type RefObject, useEffect, useState } from "react";
import type { AudioLeg } from "../../../src/media/leg.ts";

/** How often the meter reads its analyser. */
const TICK_MS = 100;
/** The level shown as empty (dBFS); speech sits around -30 to -10. */
const FLOOR_DB = -60;

/** The RMS level of `samples` in dBFS. */
export function rmsDb(samples: Float32Array): number {
  let sum = 0;
  for (const v of samples) sum += v * v;
  const rms = Math.sqrt(sum / Math.max(1, samples.length));
  return rms > 0 ? 20 * Math.log10(rms) : Number.NEGATIVE_INFINITY;
}

export function LevelMeter({
  leg,
  slot,
  label,
}: {
  leg: RefObject<AudioLeg | null>;
  slot: 0 | 1;
  label: string;
}) {
  const [level, setLevel] = useState(0);
  useEffect(() => {
    let tapped: { leg: AudioLeg; source: MediaStreamAudioSourceNode; analyser: AnalyserNode } | null = null;
    const samples = new Float32Array(512);
    const untap = () => {
      tapped?.source.disconnect();
      tapped = null;
    };
    const timer = setInterval(() => {
      const current = leg.current;
      if (tapped && tapped.leg !== current) untap();
      if (!current || current.closed) {
        setLevel(0);
        return;
      }
      if (!tapped) {
        const ctx = current.audioContext;
        const analyser = ctx.createAnalyser();
        analyser.fftSize = samples.length;
        const source = ctx.createMediaStreamSource(current.slots[slot].stream);
        source.connect(analyser);
        tapped = { leg: current, source, analyser };
      }
      tapped.analyser.getFloatTimeDomainData(samples);
      const db = rmsDb(samples);
      setLevel(Math.round(Math.min(1, Math.max(0, (db - FLOOR_DB) / -FLOOR_DB)) * 100) / 100);
    }, TICK_MS);
    return () => {
      clearInterval(timer);
      untap();
    };
  }, [leg, slot]);
  return <meter className="level" min={0} max={1} low={0.15} value={level} aria-label={label} />;
}
