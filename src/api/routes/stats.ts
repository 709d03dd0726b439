// The live board: per number, today and the last 15 minutes (control/liveStats.ts); and this
// node's media threads for admins (media/workers/report.ts).
import type { FastifyInstance } from "fastify";
import { requireAdmin } from "../../control/grants.ts";
import { ref } from "../resourceSchemas.ts";
import type { Services } from "../services.ts";
import { LiveStatsSchema, MediaWorkersViewSchema } from "../statsSchemas.ts";

export async function statsRoutes(app: FastifyInstance, s: Services): Promise<void> {
  app.get(
    "/stats/live",
    {
      schema: {
        tags: ["calls"],
        response: { 200: ref(LiveStatsSchema) },
        summary:
          "The live board: per number and in total, waiting now, longest wait, and for today and the last 15 minutes answered, abandoned, service level, average speed of answer and handle time (monitors and admins)",
      },
    },
    async (req) => s.board.read(req.viewer),
  );
  app.get(
    "/media/workers",
    {
      schema: {
        tags: ["media"],
        response: { 200: ref(MediaWorkersViewSchema) },
        summary:
          "This node's media worker threads (EARSHOT_MEDIA_WORKERS): per worker its live calls, legs, packets in, forwarded and dropped, stalls and event-loop utilisation; in a cluster, the node that answers (admins)",
      },
    },
    async (req) => {
      requireAdmin(req.viewer);
      return s.mediaWorkers?.read() ?? { inProcess: true, mainThreadUtilization: 0, workers: [] };
    },
  );
}
