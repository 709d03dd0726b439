// The web app's client of the HTTP API. The token lives in sessionStorage: each tab
// signs in on its own (ana in one tab, sofia in another).
import type { ApiError } from "../../../../src/protocol/resources.ts";

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

export async function api<T>(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const h: Record<string, string> = { ...headers };
  if (session.token) h.authorization = `Bearer ${session.token}`;
  if (body !== undefined) h["content-type"] = "application/json";
  const res = await fetch(`/api/v1${path}`, {
    method,
    headers: h,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 204) return undefined as T;
  const data = (await res.json().catch(() => ({}))) as T & Partial<ApiError>;
  if (!res.ok) {
    if (res.status === 401 && path !== "/auth/login") session.token = null;
    const e = data.error;
    const field = e?.field && e.rule ? { field: e.field, rule: e.rule, limit: e.limit } : null;
    throw new ApiFailure(res.status, e?.code ?? "error", e?.message ?? res.statusText, field);
  }
  return data;
}

export const wsUrl = (query: string): string =>
  `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/v1/ws?${query}`;

/** STUN/TURN servers with fresh TURN credentials for one media leg (a user's, or a widget call's). */
export async function fetchIceServers(callToken?: string): Promise<RTCIceServer[]> {
  const headers: Record<string, string> = callToken ? { "x-call-token": callToken } : {};
  const r = await api<{ iceServers: RTCIceServer[] }>("GET", "/ice-servers", undefined, headers);
  return r.iceServers;
}
