// Starts a real Earshot (HTTP + WebSocket on a free loopback port) with a fresh
// database and the demo data, and a small typed client for tests.
import { createEarshot, type Earshot, type EarshotParts } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import type { User } from "../../src/protocol/resources.ts";
import { migratedSnapshot } from "./snapshot.ts";

export interface TestServer {
  url: string;
  earshot: Earshot;
  close(): Promise<void>;
}

export interface ServerOptions extends EarshotParts {
  /** postgres://… to run on PostgreSQL; default a fresh in-memory PGlite. */
  databaseUrl?: string;
  redisUrl?: string;
  env?: Record<string, string>;
}

export async function startServer(opts: ServerOptions = {}): Promise<TestServer> {
  const config = loadConfig({
    EARSHOT_DATA_DIR: "memory://",
    EARSHOT_DEMO: "true",
    EARSHOT_DEMO_ANSWER_DELAY_MS: "0",
    LOG_LEVEL: "silent",
    ...(opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : {}),
    ...(opts.redisUrl ? { REDIS_URL: opts.redisUrl } : {}),
    ...opts.env,
  });
  config.dataDir = "memory://";
  // In memory, the database starts from the run's migrated snapshot (support/snapshot.ts).
  const databaseSnapshot = opts.databaseUrl ? undefined : await migratedSnapshot();
  const earshot = await createEarshot(config, { databaseSnapshot, ...opts });
  const address = await earshot.http.listen({ port: 0, host: "127.0.0.1" });
  return { url: address, earshot, close: () => earshot.close() };
}

export interface ApiResult<T = Record<string, unknown>> {
  status: number;
  body: T & { error?: { code: string; message: string } };
}

/** What Client needs of fetch(); another transport (e.g. node:https with a CA: httpsFetch) can stand in. */
export type Fetcher = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
) => Promise<{ status: number; text(): Promise<string> }>;

/** A signed-in user's view of the API. */
export class Client {
  constructor(
    readonly url: string,
    readonly token: string | null,
    readonly user: User | null,
    readonly fetcher: Fetcher = fetch,
  ) {}

  static async login(url: string, email: string, password = "demo1234", fetcher?: Fetcher): Promise<Client> {
    const anon = new Client(url, null, null, fetcher);
    const r = await anon.post<{ token: string; user: User }>("/auth/login", { email, password });
    if (r.status !== 200) throw new Error(`login ${email} failed: ${JSON.stringify(r.body)}`);
    return new Client(url, r.body.token, r.body.user, fetcher);
  }

  get id(): string {
    if (!this.user) throw new Error("anonymous client");
    return this.user.id;
  }

  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResult<T>> {
    const h: Record<string, string> = { ...headers };
    if (this.token) h.authorization = `Bearer ${this.token}`;
    let payload: string | undefined;
    if (body !== undefined) {
      h["content-type"] ??= "application/json";
      payload = typeof body === "string" ? body : JSON.stringify(body);
    }
    const res = await this.fetcher(`${this.url}/api/v1${path}`, { method, headers: h, body: payload });
    const text = await res.text();
    let parsed: unknown = {};
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = { raw: text };
    }
    return { status: res.status, body: parsed as ApiResult<T>["body"] };
  }

  get<T = Record<string, unknown>>(path: string) {
    return this.request<T>("GET", path);
  }
  post<T = Record<string, unknown>>(path: string, body: unknown = {}) {
    return this.request<T>("POST", path, body);
  }
  patch<T = Record<string, unknown>>(path: string, body: unknown) {
    return this.request<T>("PATCH", path, body);
  }
  delete<T = Record<string, unknown>>(path: string) {
    return this.request<T>("DELETE", path);
  }
}

/** The demo org signed in: one client per demo user, and the numbers by name. */
export async function demoOrg(url: string, fetcher?: Fetcher) {
  const [admin, sofia, marco, ana, luis] = await Promise.all(
    ["admin", "sofia", "marco", "ana", "luis"].map((n) =>
      Client.login(url, `${n}@demo.test`, undefined, fetcher),
    ),
  );
  const numbers = (await admin.get<{ numbers: { id: string; name: string }[] }>("/numbers")).body.numbers;
  const support = numbers.find((n) => n.name === "Support")?.id as string;
  const sales = numbers.find((n) => n.name === "Sales")?.id as string;
  return { admin, sofia, marco, ana, luis, support, sales };
}
