// Where each call's media is among the media workers: a call stays on the worker that holds
// it; a new one goes to the live worker with the fewest live legs. Each worker binds its own
// slice of a port range.
import type { Party } from "../../control/routing.ts";
import { MediaError, type MediaNodeOptions } from "../MediaTypes.ts";
import type { MediaWorker } from "./MediaWorker.ts";
import type { WorkerInit } from "./protocol.ts";

/** A call's worker, and its live legs as that worker last told. */
export interface Placement {
  worker: MediaWorker;
  legs: [legId: string, party: Party][];
}

export const mediaGone = () => new MediaError("not_found", "invalid_state", "The call's media has ended.");

/** The `i`th of `n` equal slices of [min, max]. */
export function slice(min: number, max: number, n: number, i: number): [number, number] {
  const size = Math.floor((max - min + 1) / n);
  if (size < 2) throw new Error(`the port range ${min}-${max} is too small for ${n} media workers`);
  return [min + i * size, i === n - 1 ? max : min + (i + 1) * size - 1];
}

/** Each of `workers` threads' start: the options, its slice of the port range, the certificate. */
export function workerInits(
  workers: number,
  { portRange, ...rest }: Omit<MediaNodeOptions, "log" | "certificate">,
  certificate: WorkerInit["certificate"],
): WorkerInit[] {
  return Array.from({ length: workers }, (_, index) => ({
    index,
    certificate,
    options: {
      ...rest,
      ...(portRange ? { portRange: slice(portRange[0], portRange[1], workers, index) } : {}),
    },
  }));
}

export class Placements extends Map<string, Placement> {
  /** The call's worker, placing a new call on the live worker with the fewest live legs. */
  place(callId: string, workers: readonly MediaWorker[]): MediaWorker {
    const placed = this.get(callId);
    if (placed) return placed.worker;
    const worker = this.leastLoaded(workers);
    this.set(callId, { worker, legs: [] });
    return worker;
  }

  leastLoaded(workers: readonly MediaWorker[]): MediaWorker {
    const load = new Map(workers.map((w) => [w, 0]));
    // A call counts as one leg until its legs attach, so a burst of new calls spreads.
    for (const p of this.values()) load.set(p.worker, (load.get(p.worker) ?? 0) + Math.max(1, p.legs.length));
    const live = workers.filter((w) => w.alive);
    if (live.length === 0) throw mediaGone();
    return live.reduce((best, w) => ((load.get(w) ?? 0) < (load.get(best) ?? 0) ? w : best));
  }

  /** Forgets and returns the calls placed on `worker` (it died). */
  takeCallsOf(worker: MediaWorker): [string, Placement][] {
    const lost = [...this].filter(([, p]) => p.worker === worker);
    for (const [callId] of lost) this.delete(callId);
    return lost;
  }
}
