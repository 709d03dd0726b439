// Routes that need no sign-in: health, public configuration, the customer call widget.
import type { FastifyInstance } from "fastify";
import { fail } from "../../control/errors.ts";
import { presentWidgetCall } from "../../control/presenter.ts";
import {
  HealthReply,
  NewWidgetCallReply,
  OkReply,
  PublicConfigReply,
  ReadyReply,
  WidgetCallReply,
  WidgetNumberReply,
} from "../responses.ts";
import { IdParams, WidgetCallBody } from "../schemas.ts";
import type { Services } from "../services.ts";

const isPublic = { public: true };

/** How long a backend may take to answer a readiness probe. */
const PROBE_TIMEOUT_MS = 2000;

async function readiness(
  probes: Services["readiness"],
  onFail: (what: string, e: Error) => void,
): Promise<Record<string, "ok" | "fail">> {
  const run = async (what: string, probe: () => Promise<void>): Promise<"ok" | "fail"> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)),
        PROBE_TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([probe(), timeout]);
      return "ok";
    } catch (e) {
      onFail(what, e as Error);
      return "fail";
    } finally {
      clearTimeout(timer);
    }
  };
  const [database, redis] = await Promise.all([
    run("database", probes.database),
    probes.redis ? run("redis", probes.redis) : undefined,
  ]);
  return redis ? { database, redis } : { database };
}

export async function publicRoutes(app: FastifyInstance, s: Services): Promise<void> {
  // Liveness: the process answers. Readiness: its backends answer too (a load balancer's check).
  app.get(
    "/health",
    { config: isPublic, schema: { tags: ["meta"], response: { 200: HealthReply } } },
    async () => ({ status: "ok" }),
  );
  app.get(
    "/ready",
    { config: isPublic, schema: { tags: ["meta"], response: { 200: ReadyReply, 503: ReadyReply } } },
    async (req, reply) => {
      const checks = await readiness(s.readiness, (what, e) =>
        req.log.warn({ backend: what, error: e.message }, "readiness check failed"),
      );
      const ready = Object.values(checks).every((c) => c === "ok");
      return reply.status(ready ? 200 : 503).send({ status: ready ? "ready" : "unavailable", checks });
    },
  );
  app.get(
    "/config",
    { config: isPublic, schema: { tags: ["meta"], response: { 200: PublicConfigReply } } },
    async () => s.publicConfig,
  );

  app.get<{ Params: { id: string } }>(
    "/widget/numbers/:id",
    {
      config: isPublic,
      schema: { params: IdParams, tags: ["widget"], response: { 200: WidgetNumberReply } },
    },
    async (req) => {
      return { number: await s.widget.number(req.params.id) };
    },
  );
  app.post<{ Body: { numberId: string } }>(
    "/widget/calls",
    {
      config: { ...isPublic, limit: "widgetCall" },
      schema: {
        body: WidgetCallBody,
        tags: ["widget"],
        summary: "A web customer calls a number",
        response: { 201: NewWidgetCallReply },
      },
    },
    async (req, reply) => {
      const call = await s.calls.inbound({ numberId: req.body.numberId, from: "web", channel: "widget" });
      return reply
        .status(201)
        .send({ call: presentWidgetCall(call), callToken: s.callTokens.issue(call.id) });
    },
  );
  app.get<{ Params: { id: string } }>(
    "/widget/calls/:id",
    { config: isPublic, schema: { params: IdParams, tags: ["widget"], response: { 200: WidgetCallReply } } },
    async (req) => {
      if (s.callTokens.verify(req.headers["x-call-token"] as string | undefined) !== req.params.id)
        fail("forbidden");
      return { call: await s.widget.call(req.params.id) };
    },
  );
  app.post<{ Params: { id: string } }>(
    "/widget/calls/:id/hangup",
    { config: isPublic, schema: { params: IdParams, tags: ["widget"], response: { 200: OkReply } } },
    async (req) => {
      if (s.callTokens.verify(req.headers["x-call-token"] as string | undefined) !== req.params.id)
        fail("forbidden");
      await s.calls.farEndHangup(req.params.id);
      return { ok: true };
    },
  );
}
