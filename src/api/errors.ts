// Maps every failure to `{ error: { code, message } }` with the registry's HTTP status.
// Malformed input is a 4xx with a clear message; nothing else escapes as a crash.
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { EarshotError } from "../control/errors.ts";
import { ERRORS, type ErrorCode } from "../protocol/errors.ts";

/** validation_failed's details, so a client can say which field broke which rule in its own language. */
interface FieldRule {
  field: string;
  rule: string;
  limit?: number;
}

export function sendError(
  reply: FastifyReply,
  code: ErrorCode,
  message?: string,
  field?: FieldRule,
): FastifyReply {
  return reply
    .status(ERRORS[code].status)
    .send({ error: { code, message: message ?? ERRORS[code].message, ...field } });
}

type AjvError = {
  instancePath: string;
  keyword?: string;
  params?: Record<string, unknown>;
  message?: string;
};

/** The field and rule of Ajv's first error: "/email" minLength {limit: 3} → email, minLength, 3. */
function fieldRule(error: AjvError | undefined): FieldRule | undefined {
  if (!error?.keyword) return undefined;
  const missing = error.params?.missingProperty;
  const field = typeof missing === "string" ? missing : error.instancePath.split("/")[1];
  if (!field) return undefined;
  const limit = error.params?.limit;
  return { field, rule: error.keyword, ...(typeof limit === "number" ? { limit } : {}) };
}

export function errorHandler(
  err: FastifyError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  if (err instanceof EarshotError) {
    if (err.code === "storage_unavailable") {
      // The operator needs the cause; the client gets the code.
      const cause = err.cause as (Error & { code?: string }) | undefined;
      request.log.error({ error: cause?.message, code: cause?.code }, "storage unavailable");
    }
    return sendError(reply, err.code, err.message);
  }
  const e = err as FastifyError & {
    validation?: AjvError[];
    validationContext?: string;
  };
  if (e.validation) {
    const first = e.validation[0];
    const where = `${e.validationContext ?? "body"}${first?.instancePath ?? ""}`;
    const message = `${where} ${first?.message ?? "is invalid"}`.trim();
    return sendError(reply, "validation_failed", message, fieldRule(first));
  }
  if (e.code === "FST_ERR_CTP_BODY_TOO_LARGE") return sendError(reply, "payload_too_large");
  if (e.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") {
    return sendError(reply, "bad_request", "Send JSON with Content-Type: application/json.");
  }
  if (e.code === "FST_ERR_CTP_EMPTY_JSON_BODY")
    return sendError(reply, "bad_request", "The JSON body is empty.");
  if (e.statusCode === 400 || e instanceof SyntaxError) {
    return sendError(reply, "bad_request", "The body is not valid JSON.");
  }
  if (typeof e.statusCode === "number" && e.statusCode >= 400 && e.statusCode < 500) {
    return sendError(reply, "bad_request", e.message);
  }
  request.log.error({ err: { message: err.message, stack: err.stack } }, "unhandled error");
  return sendError(reply, "internal");
}
