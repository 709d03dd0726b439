// The media plane's threads for admins (GET /api/v1/media/workers): each worker's load and
// counters as of its last heartbeat, its event-loop utilisation, and the main thread's.
import { performance } from "node:perf_hooks";
import type { MediaWorkersView } from "../../protocol/mediaWorkers.ts";
import type { NodeMedia } from "../commands.ts";
import { EluWindow } from "../eluWindow.ts";
import { WorkerPlane } from "./WorkerPlane.ts";

export class MediaWorkersReport {
  readonly #main = new EluWindow((a, b) => performance.eventLoopUtilization(a, b));

  constructor(private readonly plane: NodeMedia) {}

  read(): MediaWorkersView {
    const mainThreadUtilization = this.#main.read();
    if (!(this.plane instanceof WorkerPlane)) return { inProcess: true, mainThreadUtilization, workers: [] };
    return {
      inProcess: false,
      mainThreadUtilization,
      workers: this.plane.workers.map((w) => ({
        index: w.index,
        alive: w.alive,
        ...w.load,
        stalls: w.stalls,
        eventLoopUtilization: w.utilization,
      })),
    };
  }
}
