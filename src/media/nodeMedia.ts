// Makes a process's media plane: in the main thread (MediaPlane), or in `workers` worker
// threads (WorkerPlane), each running a MediaPlane of its own; both are NodeMedia.
import type { NodeMedia } from "./commands.ts";
import type { MediaNodeOptions } from "./MediaTypes.ts";
import { MediaPlane } from "./plane.ts";
import { WorkerPlane } from "./workers/WorkerPlane.ts";

export function createMedia(workers: number, options: MediaNodeOptions = {}): Promise<NodeMedia> {
  return workers > 0 ? WorkerPlane.create(workers, options) : MediaPlane.create(options);
}
