// Routes that need no sign-in: health, public configuration, the customer call widget.
import type { FastifyInstance } from "fastify";
import { fail } from "../../control/errors.ts";
import { IdParams, WidgetCallBody } from "../schemas.ts";
import type { Services } from "../services.ts";

const isPublic = { public: true };

export async function publicRoutes(app: FastifyInstance, s: Services): Promise<void> {
  app.get("/health", { config: isPublic, schema: { tags: ["meta"] } }, async () => ({ status: "ok" }));
  app.get("/config", { config: isPublic, schema: { tags: ["meta"] } }, async () => s.publicConfig);

  app.get<{ Params: { id: string } }>(
    "/widget/numbers/:id",
    { config: isPublic, schema: { params: IdParams, tags: ["widget"] } },
    async (req) => {
      const number = await s.ctx.store.getNumber(req.params.id);
      if (!number) fail("not_found", "No such number.");
      return { number: { id: number.id, name: number.name } };
    },
  );
  app.post<{ Body: { numberId: string } }>(
    "/widget/calls",
    {
      config: isPublic,
      schema: { body: WidgetCallBody, tags: ["widget"], summary: "A web customer calls a number" },
    },
    async (req, reply) => {
      const call = await s.calls.inbound({ numberId: req.body.numberId, from: "web", channel: "widget" });
      const dto = await s.calls.views.presentOne(call, null);
      return reply.status(201).send({
        call: { id: dto.id, state: dto.state, numberId: dto.numberId },
        callToken: s.callTokens.issue(call.id),
      });
    },
  );
  app.get<{ Params: { id: string } }>(
    "/widget/calls/:id",
    { config: isPublic, schema: { params: IdParams, tags: ["widget"] } },
    async (req) => {
      if (s.callTokens.verify(req.headers["x-call-token"] as string | undefined) !== req.params.id)
        fail("forbidden");
      const call = await s.ctx.store.getCall(req.params.id);
      if (!call) fail("not_found");
      return { call: { id: call.id, state: call.state, numberId: call.numberId } };
    },
  );
  app.post<{ Params: { id: string } }>(
    "/widget/calls/:id/hangup",
    { config: isPublic, schema: { params: IdParams, tags: ["widget"] } },
    async (req) => {
      if (s.callTokens.verify(req.headers["x-call-token"] as string | undefined) !== req.params.id)
        fail("forbidden");
      await s.calls.farEndHangup(req.params.id);
      return { ok: true };
    },
  );
}
