// The live board: per number, today and the last 15 minutes (control/liveStats.ts).
import type { FastifyInstance } from "fastify";
import { ref } from "../resourceSchemas.ts";
import type { Services } from "../services.ts";
import { LiveStatsSchema } from "../statsSchemas.ts";

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
}
