// GET /api/v1/ice-servers: STUN and TURN servers for this browser's media legs, with TURN
// credentials minted for the caller (a signed-in user, or a widget call's token holder) and
// valid for EARSHOT_TURN_TTL_S. Never cached, never logged, never in /config.
import type { FastifyInstance, FastifyRequest } from "fastify";
import { EarshotError } from "../../control/errors.ts";
import { bearerToken } from "../auth.ts";
import { mintIceServers } from "../iceServers.ts";
import { IceServersReply } from "../responses.ts";
import type { Services } from "../services.ts";

/** Whose credentials these are: the signed-in user's id, or the widget's call id. */
async function holder(req: FastifyRequest, s: Services): Promise<string> {
  const callId = s.callTokens.verify(req.headers["x-call-token"] as string | undefined);
  if (callId) return callId;
  const token = bearerToken(req);
  if (!token) throw new EarshotError("unauthenticated");
  return (await s.directory.authenticate(token)).id;
}

export async function iceServerRoutes(app: FastifyInstance, s: Services): Promise<void> {
  app.get(
    "/ice-servers",
    {
      // Authenticated here: a widget customer holds a call token, not a user's.
      config: { public: true },
      schema: {
        tags: ["media"],
        summary: "STUN/TURN servers with short-lived TURN credentials (Bearer token or X-Call-Token)",
        response: { 200: IceServersReply },
      },
    },
    async (req, reply) => {
      const servers = mintIceServers(s.ice, await holder(req, s));
      return reply.header("cache-control", "no-store").send(servers);
    },
  );
}
