// Webhook registrations (admins): HMAC-signed deliveries of coaching and call events.
import type { FastifyInstance } from "fastify";
import type { WebhookEvent } from "../../control/model.ts";
import { NewWebhookReply, NoContent, WebhooksReply } from "../responses.ts";
import { IdParams, WebhookBody } from "../schemas.ts";
import type { Services } from "../services.ts";

export async function webhookRoutes(app: FastifyInstance, s: Services): Promise<void> {
  app.get("/webhooks", { schema: { tags: ["webhooks"], response: { 200: WebhooksReply } } }, async (req) => ({
    webhooks: await s.webhooks.list(req.viewer),
  }));
  app.post<{ Body: { url: string; events: WebhookEvent[] } }>(
    "/webhooks",
    {
      schema: {
        body: WebhookBody,
        tags: ["webhooks"],
        summary: "Register a webhook; the signing secret is in this answer only",
        response: { 201: NewWebhookReply },
      },
    },
    async (req, reply) =>
      reply.status(201).send({ webhook: await s.webhooks.create(req.viewer, req.body.url, req.body.events) }),
  );
  app.delete<{ Params: { id: string } }>(
    "/webhooks/:id",
    { schema: { params: IdParams, tags: ["webhooks"], response: NoContent } },
    async (req, reply) => {
      await s.webhooks.remove(req.viewer, req.params.id);
      return reply.status(204).send();
    },
  );
}
