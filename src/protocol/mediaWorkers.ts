// The media plane's threads as an admin sees them (GET /api/v1/media/workers): this node's
// media workers with their load and counters as of their last heartbeat (every 250 ms).

/**
 * How late a thread's event loop ran its 1 ms timer over a window (media/loopDelay.ts), in ms
 * beyond the asked interval: the stall a packet waiting to be forwarded saw. Node's timers count
 * whole milliseconds, so an idle loop already reads up to ≈ 1 ms.
 */
export interface LoopDelaySummary {
  /** Timer runs in the window (≈ 1 per ms when the loop keeps up). */
  samples: number;
  p50: number;
  p99: number;
  max: number;
}

export interface MediaWorkerStats {
  /** The worker's slot (0 … EARSHOT_MEDIA_WORKERS − 1); a restarted thread keeps its slot. */
  index: number;
  /** False while a dead thread's slot waits for its new thread, or while the plane closes. */
  alive: boolean;
  calls: number;
  legs: number;
  /** Packets the worker's calls received, forwarded and dropped since the thread started. */
  packetsIn: number;
  packetsOut: number;
  packetsDropped: number;
  /** Heartbeats the thread did not answer within 1 s since it started (a stalled event loop). */
  stalls: number;
  /** The share (0–1) of the last second the thread's event loop was busy: its CPU, as Node 20
   * has no per-thread CPU time (process.cpuUsage() is the whole process's). */
  eventLoopUtilization: number;
  /** How late the thread's event loop ran over the last complete second (its forwarding's stall). */
  loopDelayMs: LoopDelaySummary;
}

export interface MediaWorkersView {
  /** True with EARSHOT_MEDIA_WORKERS=0: the media plane runs in the main thread, `workers` is empty. */
  inProcess: boolean;
  /** The main thread's event-loop utilisation (0–1) since the previous read (at least 1 s ago). */
  mainThreadUtilization: number;
  /** This node's workers only (in a cluster, ask each node). */
  workers: MediaWorkerStats[];
}
