// The web app's client of the HTTP API (typed by the generated api.gen.ts). The token lives in sessionStorage: each tab
// signs in on its own (ana in one tab, sofia in another).
import createClient from "openapi-fetch";
import type { ApiError } from "../../../../src/protocol/resources.ts";
import type { paths } from "./api.gen.ts";

const TOKEN_KEY = "earshot.token";

/** validation_failed's details (error.field, error.rule, error.limit; src/api/errors.ts). */
export interface FieldRule {
  field: string;
  rule: string;
  limit?: number;
}

/** A refusal from the server: its HTTP status (0 for one over the WebSocket), code and message. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** For validation_failed: the field and the rule it broke. */
    readonly field: FieldRule | null = null,
  ) {
    super(message);
  }
}

export const session = {
  get token(): string | null {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  set token(value: string | null) {
    if (value) sessionStorage.setItem(TOKEN_KEY, value);
    else sessionStorage.removeItem(TOKEN_KEY);
  },
};

/**
 * The REST client, typed by the OpenAPI document (api.gen.ts, `npm run gen:api`): paths,
 * parameters, bodies and answers are the server's route schemas. Wrap each call in `ok()`.
 */
export const rest = createClient<paths>();
rest.use({
  onRequest({ request }) {
    if (session.token) request.headers.set("authorization", `Bearer ${session.token}`);
    return request;
  },
});

/** A call's answer body; a refusal (4xx, 5xx) is thrown as an ApiFailure, translated by te(error). */
export async function ok<D>(
  request: Promise<{ data?: D; error?: Partial<ApiError> | undefined; response: Response }>,
): Promise<D> {
  const { data, error, response } = await request;
  if (response.ok) return data as D;
  if (response.status === 401 && !response.url.endsWith("/api/v1/auth/login")) session.token = null;
  const e = error?.error;
  const field = e?.field && e.rule ? { field: e.field, rule: e.rule, limit: e.limit } : null;
  throw new ApiFailure(response.status, e?.code ?? "error", e?.message ?? response.statusText, field);
}

export const wsUrl = (query: string): string =>
  `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/v1/ws?${query}`;

/** STUN/TURN servers with fresh TURN credentials for one media leg (a user's, or a widget call's). */
export async function fetchIceServers(callToken?: string): Promise<RTCIceServer[]> {
  const headers: Record<string, string> = callToken ? { "x-call-token": callToken } : {};
  return (await ok(rest.GET("/api/v1/ice-servers", { headers }))).iceServers;
}
