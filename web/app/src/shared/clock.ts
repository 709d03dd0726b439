// One tick a second for the whole page: every ticking figure (agent-state timers, call
// durations, the longest wait) reads this clock, so a list of 1,000 rows has one interval,
// not one per row. The interval runs only while something is subscribed.
import { useSyncExternalStore } from "react";

let now = Date.now();
let timer: ReturnType<typeof setInterval> | null = null;
const subscribers = new Set<() => void>();

function subscribe(cb: () => void): () => void {
  subscribers.add(cb);
  if (!timer) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const s of subscribers) s();
    }, 1000);
  }
  return () => {
    subscribers.delete(cb);
    if (subscribers.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
}

/** The page's shared clock (ms since the epoch), updated once a second. */
export function useClock(): number {
  return useSyncExternalStore(subscribe, () => now);
}
