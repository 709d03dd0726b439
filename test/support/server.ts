// Starts a real Earshot with a fresh database and the demo data, and a small typed client for
// tests: `startServer` listens on a free loopback port (WebSocket, media, anything that needs a
// socket); `startApp` listens on none and its requests go through Fastify's inject(), which is
// the same routes, hooks and limits without the TCP round trip (the HTTP-only API tests).
import { createEarshot, type Earshot, type EarshotParts } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import type { User } from "../../src/protocol/resources.ts";
import { embeddedDatabases } from "./databases.ts";

export interface TestServer {
  /** The base URL; for startApp an `.invalid` name only this process's Client reaches (inject). */
  url: string;
  earshot: Earshot;
  /** A request to this server (`${url}/api/v1/…`) as fetch() makes it, whichever way it was started. */
  fetch: Fetch;
  close(): Promise<void>;
}

export interface ServerOptions extends EarshotParts {
  /** postgres://… to run on PostgreSQL; default a fresh in-memory PGlite. */
  databaseUrl?: string;
  redisUrl?: string;
  env?: Record<string, string>;
}

async function create(opts: ServerOptions): Promise<Earshot> {
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
  // In memory, the database is lent by the pool of migrated ones (support/databases.ts).
  return createEarshot(config, { embeddedDatabases, ...opts });
}

export async function startServer(opts: ServerOptions = {}): Promise<TestServer> {
  const earshot = await create(opts);
  const address = await earshot.http.listen({ port: 0, host: "127.0.0.1" });
  return { url: address, earshot, fetch, close: () => earshot.close() };
}

// The base URL of each app started by startApp, and its inject() transport: Client and demoOrg
// find it by the URL, so a test reads the same whichever way its server was started.
const injected = new Map<string, Fetch>();
let apps = 0;

/** Earshot without a socket: every request (Client, demoOrg, `fetch`) goes through app.inject(). */
export async function startApp(opts: ServerOptions = {}): Promise<TestServer> {
  const earshot = await create(opts);
  const url = `http://inject-${process.pid}-${++apps}.invalid`;
  const transport: Fetch = async (target, init = {}) => {
    const { pathname, search } = new URL(target);
    const res = await earshot.http.inject({
      method: (init.method ?? "GET") as "GET",
      url: pathname + search,
      headers: init.headers,
      payload: init.body,
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(res.headers)) {
      for (const v of [value ?? []].flat()) headers.append(name, String(v));
    }
    const empty = res.statusCode === 204 || res.statusCode === 304;
    return new Response(empty ? null : new Uint8Array(res.rawPayload), { status: res.statusCode, headers });
  };
  injected.set(url, transport);
  return {
    url,
    earshot,
    fetch: transport,
    async close() {
      injected.delete(url);
      await earshot.close();
    },
  };
}

/** How a request to `url` travels: through inject() for an app from startApp, else fetch(). */
const transportFor = (url: string): Fetcher => injected.get(url) ?? fetch;

export interface ApiResult<T = Record<string, unknown>> {
  status: number;
  body: T & { error?: { code: string; message: string } };
}

/** What Client needs of fetch(); another transport (e.g. node:https with a CA: httpsFetch) can stand in. */
export type Fetcher = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
) => Promise<{ status: number; text(): Promise<string> }>;

/** fetch() as the tests use it, to one test server: the socket's, or inject()'s (startApp). */
export type Fetch = (
  url: string,
  init?: { method?: string; headers?: Record<string, string>; body?: string },
) => Promise<Response>;

/** A signed-in user's view of the API. */
export class Client {
  constructor(
    readonly url: string,
    readonly token: string | null,
    readonly user: User | null,
    readonly fetcher: Fetcher = transportFor(url),
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
