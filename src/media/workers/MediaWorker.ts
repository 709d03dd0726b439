// One media worker thread as the main thread sees it: starts it (TypeScript loaded the way the
// app is, through tsx), posts it messages in order, matches its replies to requests, answers
// for its heartbeat, and tells when it died (thrown or exited) so its calls end and a new
// thread takes its place.
import { Worker } from "node:worker_threads";
import type { Logger } from "../../control/ports.ts";
import type { LoopDelaySummary } from "../../protocol/mediaWorkers.ts";
import { EluWindow } from "../eluWindow.ts";
import { MediaError } from "../MediaTypes.ts";
import type { FromWorker, ToWorker, WireError, WorkerInit, WorkerLoad } from "./protocol.ts";

const HOST = new URL("./host.ts", import.meta.url).href;
/** How often a worker is asked for a heartbeat, and how long it may take to answer. */
const PING_MS = 250;
const STALL_MS = 1000;

/** The worker's entry: tsx's loader first (the app runs under `node --import tsx`), then `host`. */
function bootUrl(host: string): URL {
  const tsx = import.meta.resolve("tsx/esm/api");
  const source = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(host)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(source)}`);
}

/** A request's refusal as the caller sees it (a MediaError keeps its code for the API). */
function unwire(e: WireError): Error {
  if (e.code && e.reason)
    return new MediaError(e.code as MediaError["code"], e.reason as MediaError["reason"], e.message);
  const err = new Error(e.message);
  err.name = e.name;
  return err;
}

export interface WorkerEvents {
  /** Everything the worker tells but replies (events, logs). */
  onEvent(m: FromWorker, from: MediaWorker): void;
  /** The thread threw or exited without being asked to: its calls' media is gone. */
  onDeath(worker: MediaWorker, why: string): void;
}

export class MediaWorker {
  readonly thread: Worker;
  readonly #pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  #nextId = 1;
  #closing = false;
  #dead = false;
  readonly ready: Promise<void>;
  /** The last heartbeat's answer: its load and counters. */
  load: WorkerLoad = {
    calls: 0,
    legs: 0,
    packetsIn: 0,
    packetsOut: 0,
    packetsDropped: 0,
    loopDelayMs: { samples: 0, p50: 0, p99: 0, max: 0 },
  };
  /** The thread reached its first message (a thread that dies before is not restarted at once). */
  started = false;
  /** Heartbeats not answered within STALL_MS, since the thread started. */
  stalls = 0;
  /** The thread's event-loop utilisation over the last second, read at each heartbeat answer
   * (Node 20 has no per-thread CPU time; this is the closest: the share of time it was busy). */
  utilization = 0;
  #elu: EluWindow | undefined;
  #ping: { seq: number; sentAt: number; reported: boolean } | null = null;
  #seq = 0;
  #timer: NodeJS.Timeout | undefined;
  #closed: (() => void) | undefined;

  constructor(
    readonly init: WorkerInit,
    private readonly events: WorkerEvents,
    private readonly log: Logger,
    /** The thread's module (tests give another one speaking the same protocol). */
    host = HOST,
  ) {
    this.thread = new Worker(bootUrl(host), { workerData: init });
    this.thread.unref();
    let started: () => void = () => {};
    let failed: (e: Error) => void = () => {};
    this.ready = new Promise((resolve, reject) => {
      started = resolve;
      failed = reject;
    });
    this.ready.catch(() => {}); // a failed start is told by onDeath too
    this.thread.on("message", (m: FromWorker) => {
      if (m.kind === "ready") {
        this.started = true;
        this.#elu = new EluWindow((a, b) => this.thread.performance.eventLoopUtilization(a, b));
        // Heartbeats from now on: loading its modules (tsx compiles them) is not a stall.
        this.#timer = setInterval(() => this.#heartbeat(), PING_MS);
        this.#timer.unref();
        started();
      } else this.#receive(m);
    });
    this.thread.on("error", (err) => {
      failed(err);
      this.#die(`threw: ${err.message}`);
    });
    this.thread.on("exit", (code) => {
      failed(new Error(`the media worker exited (${code})`));
      this.#die(`exited with code ${code}`);
    });
  }

  get index(): number {
    return this.init.index;
  }

  get alive(): boolean {
    return !this.#dead && !this.#closing;
  }

  post(m: ToWorker): void {
    if (!this.#dead) this.thread.postMessage(m);
  }

  /** Posts a message with a new request id and resolves to the worker's reply. */
  request<T>(make: (id: number) => ToWorker): Promise<T> {
    if (this.#dead) return Promise.reject(new Error("the call's media worker has stopped"));
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.thread.postMessage(make(id));
    });
  }

  /**
   * Starts measuring how late the thread's event loop runs (media/loopDelay.ts); the function
   * it resolves to stops and answers the window's figures.
   */
  async measureLoopDelay(): Promise<() => Promise<LoopDelaySummary>> {
    const window = await this.request<number>((id) => ({ kind: "loopDelay", id, op: "open" }));
    return () => this.request<LoopDelaySummary>((id) => ({ kind: "loopDelay", id, op: "close", window }));
  }

  #receive(m: FromWorker): void {
    if (m.kind === "reply") {
      const p = this.#pending.get(m.id);
      this.#pending.delete(m.id);
      if (m.ok) p?.resolve(m.value);
      else p?.reject(unwire(m.error));
    } else if (m.kind === "pong") {
      if (this.#ping?.reported) this.log.info({ worker: this.index }, "media: a media worker answers again");
      if (this.#ping?.seq === m.seq) this.#ping = null;
      this.load = m.load;
      this.utilization = this.#elu?.read() ?? 0;
    } else if (m.kind === "closed") this.#closed?.();
    else this.events.onEvent(m, this);
  }

  #heartbeat(): void {
    const ping = this.#ping;
    if (!ping) {
      this.#ping = { seq: ++this.#seq, sentAt: performance.now(), reported: false };
      this.post({ kind: "ping", seq: this.#seq });
    } else if (!ping.reported && performance.now() - ping.sentAt > STALL_MS) {
      ping.reported = true;
      this.stalls++;
      this.log.warn(
        { worker: this.index, stalls: this.stalls },
        "media: a media worker did not answer its heartbeat within 1 s (its event loop is stalled)",
      );
    }
  }

  #die(why: string): void {
    if (this.#dead) return;
    this.#dead = true;
    clearInterval(this.#timer);
    for (const p of this.#pending.values()) p.reject(new Error("the call's media worker has stopped"));
    this.#pending.clear();
    if (this.#closing) this.#closed?.();
    else this.events.onDeath(this, why);
  }

  /** Closes the worker's calls (their legs tell it) and ends the thread. */
  async close(): Promise<void> {
    if (this.#dead) return;
    this.#closing = true;
    clearInterval(this.#timer);
    await new Promise<void>((resolve) => {
      this.#closed = resolve;
      this.thread.postMessage({ kind: "close" } satisfies ToWorker);
      setTimeout(resolve, 2000).unref();
    });
    await this.thread.terminate();
  }
}
