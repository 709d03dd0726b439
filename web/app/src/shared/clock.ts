// One tick a second for the whole page: every ticking figure (agent-state timers, call
// durations, the longest wait) reads this clock, so a list of 1,000 rows has one interval,
// not one per row. The interval runs only while something is subscribed. A figure in a long
// list ticks only while it is on screen (useClockWhileShown): a tick then re-renders the few
// dozen rows one sees, not the 1,000 of the list.
import { type RefObject, useEffect, useState, useSyncExternalStore } from "react";

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

const read = () => now;
const still = () => () => {};

/** The page's shared clock (ms since the epoch), updated once a second. */
export function useClock(): number {
  return useSyncExternalStore(subscribe, read);
}

/** Whether each observed element is on screen (or within a screen's half of it). */
const onScreen = new Map<Element, (shown: boolean) => void>();
let observer: IntersectionObserver | null = null;

function watch(el: Element, shown: (on: boolean) => void): () => void {
  observer ??= new IntersectionObserver(
    (entries) => {
      for (const e of entries) onScreen.get(e.target)?.(e.isIntersecting);
    },
    { rootMargin: "50% 0px" },
  );
  onScreen.set(el, shown);
  observer.observe(el);
  return () => {
    observer?.unobserve(el);
    onScreen.delete(el);
  };
}

/**
 * The shared clock for the element `ref` holds: it ticks while the element is on screen and
 * stands still off it (the current time again as it comes back into view).
 */
export function useClockWhileShown(ref: RefObject<Element | null>): number {
  const [shown, setShown] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (typeof IntersectionObserver === "undefined") {
      setShown(true);
      return;
    }
    return watch(el, setShown);
  }, [ref]);
  return useSyncExternalStore(shown ? subscribe : still, read);
}
