// Serves the built web app (@fastify/static) with a single-page-app fallback: any GET
// outside /api that is not a file gets index.html.
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";
import { sendError } from "./errors.ts";

export async function serveWebApp(app: FastifyInstance, root: string): Promise<void> {
  await app.register(fastifyStatic, { root, wildcard: false, index: "index.html" });
  app.setNotFoundHandler((req, reply) => {
    if (req.method !== "GET" || req.url.startsWith("/api/"))
      return sendError(reply, "not_found", "No such endpoint.");
    return reply.header("cache-control", "no-cache").sendFile("index.html");
  });
}
