// The HTTP API under /api/v1: thin routes that validate, call the control plane and map
// errors. The OpenAPI document is generated from the same schemas that validate.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import swagger from "@fastify/swagger";
import websocket from "@fastify/websocket";
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { RootLogger } from "../logger.ts";
import { authenticate } from "./auth.ts";
import { errorHandler, sendError } from "./errors.ts";
import { registerSecurityHeaders } from "./headers.ts";
import { type LimitSettings, registerLimits, socketErrorHandler } from "./limits/index.ts";
import { RESOURCE_SCHEMAS } from "./resourceSchemas.ts";
import { accountRoutes } from "./routes/account.ts";
import { callRoutes } from "./routes/calls.ts";
import { coachingRoutes } from "./routes/coaching.ts";
import { directoryRoutes } from "./routes/directory.ts";
import { iceServerRoutes } from "./routes/iceServers.ts";
import { publicRoutes } from "./routes/public.ts";
import { statsRoutes } from "./routes/stats.ts";
import { webhookRoutes } from "./routes/webhooks.ts";
import { compilersFactory } from "./schemaCompilers.ts";
import { ErrorBody } from "./schemas.ts";
import type { Services } from "./services.ts";
import { serveWebApp } from "./static.ts";
import { wsRoutes } from "./ws.ts";

declare module "fastify" {
  interface FastifyContextConfig {
    public?: boolean;
  }
}

export interface HttpOptions {
  /** The process's logger (src/logger.ts: its serializers keep tokens and bodies out of the log). */
  logger: RootLogger;
  /** Serve HTTPS and WSS with this certificate and key (PEM). */
  tls?: { cert: Buffer; key: Buffer } | null;
  /** Behind a TLS-terminating proxy: the hops or addresses whose X-Forwarded-For / -Proto to believe. */
  trustProxy?: false | number | string[];
  /** The built web app, served at / when present. */
  webRoot?: string;
  /** Abuse limits (src/api/limits); with redisUrl their counters are shared by every node. */
  limits: LimitSettings;
  redisUrl?: string;
  /** Origins that may frame the widget page. */
  widgetOrigins?: string[];
}

// The same objects for every route (so their serializer is compiled once: schemaCompilers.ts).
const REFUSALS = { "4xx": { $ref: "Error#" }, "5xx": { $ref: "Error#" } };

export async function buildHttp(services: Services, opts: HttpOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(opts.tls ? { https: { cert: opts.tls.cert, key: opts.tls.key } } : {}),
    // n hops: believe the addresses the n nearest proxies appended (proxy-addr's hop index).
    trustProxy:
      typeof opts.trustProxy === "number"
        ? (_address: string, hop: number) => hop < (opts.trustProxy as number)
        : (opts.trustProxy ?? false),
    bodyLimit: 256 * 1024,
    // Made before Fastify (src/logger.ts), with the redaction rules: never query strings (tokens)
    // nor bodies (passwords); the client's address in a field of its own.
    loggerInstance: opts.logger as FastifyBaseLogger,
    // Router-level failures (bad URL encoding, over-long path parameters) speak our error format too.
    frameworkErrors: (err, _req, reply) => sendError(reply, "bad_request", err.message),
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
    schemaController: { compilersFactory },
  });
  app.setErrorHandler(errorHandler);
  // Once a browser has reached Earshot over HTTPS it never falls back to plain HTTP.
  app.addHook("onSend", async (req, reply) => {
    if (req.protocol === "https") reply.header("strict-transport-security", "max-age=31536000");
  });
  await registerSecurityHeaders(app, {
    widgetOrigins: opts.widgetOrigins ?? [],
    trustsProxy: opts.trustProxy !== undefined && opts.trustProxy !== false,
  });
  await registerLimits(app, { settings: opts.limits, redisUrl: opts.redisUrl });
  await app.register(websocket, { options: { maxPayload: 64 * 1024 }, errorHandler: socketErrorHandler });
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Earshot API",
        version: "1",
        description: "Live call supervision: calls, users, numbers, contacts, coaching sessions.",
      },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
      security: [{ bearer: [] }],
    },
    // Named schemas keep their $id as their name (components.schemas.Call, not def-10).
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });

  await app.register(
    async (api) => {
      // Every route answers its refusals with ErrorBody: the document says so for each.
      api.addSchema(ErrorBody);
      // The resources, named: each route's 2xx body refers to them (resourceSchemas.ts).
      for (const schema of RESOURCE_SCHEMAS) api.addSchema(schema);
      api.addHook("onRoute", (route) => {
        route.schema = { ...route.schema, response: { ...REFUSALS, ...(route.schema?.response as object) } };
      });
      const auth = authenticate(services.directory);
      api.addHook("onRequest", async (req, reply) => {
        if (req.routeOptions.config?.public) return;
        await auth(req, reply);
      });
      await publicRoutes(api, services);
      await iceServerRoutes(api, services);
      await directoryRoutes(api, services);
      await accountRoutes(api, services);
      await callRoutes(api, services);
      await coachingRoutes(api, services);
      await statsRoutes(api, services);
      await webhookRoutes(api, services);
      await wsRoutes(api, services);
      api.get("/openapi.json", { config: { public: true }, schema: { hide: true } }, async () =>
        app.swagger(),
      );
      api.setNotFoundHandler((_req, reply) => sendError(reply, "not_found", "No such endpoint."));
    },
    { prefix: "/api/v1" },
  );

  const webRoot = opts.webRoot ?? resolve("web/dist");
  if (existsSync(webRoot)) await serveWebApp(app, webRoot);
  else {
    // Not part of the API document (whether the web app is built must not change it).
    app.get("/", { schema: { hide: true } }, async () => ({
      earshot: "api only (the web app is not built)",
      docs: "/api/v1/openapi.json",
    }));
    app.setNotFoundHandler((_req, reply) => sendError(reply, "not_found", "No such endpoint."));
  }
  return app;
}
