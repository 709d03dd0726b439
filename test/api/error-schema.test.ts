// Refusals are declared in the OpenAPI document (every operation's 4xx and 5xx is the Error
// schema), and serialising with that schema keeps every property sendError sends.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Client, startServer, type TestServer } from "../support/server.ts";

describe("the error response schema", () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.close());

  it("every operation of the document describes its 4xx and 5xx as the Error body", async () => {
    const anon = new Client(server.url, null, null);
    type Doc = {
      paths: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
      components: { schemas: Record<string, unknown> };
    };
    const doc = (await anon.get<Doc>("/openapi.json")).body;
    const resolve = (v: unknown): string =>
      JSON.stringify(v).replace(/\{"\$ref":"#\/components\/schemas\/([^"]+)"\}/g, (_m, name: string) =>
        JSON.stringify(doc.components.schemas[name]),
      );
    const ops = Object.entries(doc.paths).flatMap(([path, o]) =>
      Object.entries(o).map(([method, op]) => [path, method, op] as const),
    );
    assert.ok(ops.length >= 30);
    for (const [path, method, op] of ops) {
      for (const status of ["4XX", "5XX"]) {
        const text = resolve(op.responses?.[status] ?? op.responses?.[status.toLowerCase()] ?? null);
        assert.match(
          text,
          /"code".*"message".*"field".*"rule".*"limit"/,
          `${method} ${path}: no ${status} Error body`,
        );
      }
    }
  });

  it("a validation failure keeps its field, rule and limit through the schema", async () => {
    const r = await new Client(server.url, null, null).post<{ error: Record<string, unknown> }>(
      "/auth/login",
      {
        email: "",
        password: "x",
      },
    );
    assert.equal(r.status, 400);
    assert.deepEqual(r.body.error, {
      code: "validation_failed",
      message: "body/email must NOT have fewer than 1 characters",
      field: "email",
      rule: "minLength",
      limit: 1,
    });
  });
});
