// A typed event emitter whose safeEmit never lets a listener's exception reach the
// media path (the mediasoup pattern).
import { EventEmitter } from "node:events";

// biome-ignore lint/suspicious/noExplicitAny: event maps are heterogeneous tuples
type EventMap = Record<string, any[]>;

export class EnhancedEmitter<E extends EventMap> {
  readonly #emitter = new EventEmitter();

  constructor() {
    this.#emitter.setMaxListeners(Number.POSITIVE_INFINITY);
  }

  on<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.#emitter.on(event, listener as (...args: unknown[]) => void);
    return this;
  }

  once<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.#emitter.once(event, listener as (...args: unknown[]) => void);
    return this;
  }

  off<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.#emitter.off(event, listener as (...args: unknown[]) => void);
    return this;
  }

  listenerCount<K extends keyof E & string>(event: K): number {
    return this.#emitter.listenerCount(event);
  }

  /** Emits to every listener; one that throws is reported and the others still run. */
  safeEmit<K extends keyof E & string>(event: K, ...args: E[K]): void {
    for (const listener of this.#emitter.rawListeners(event)) {
      try {
        (listener as (...a: unknown[]) => void).apply(this, args);
      } catch (error) {
        process.emitWarning(`media: a "${event}" listener threw: ${String(error)}`);
      }
    }
  }
}
