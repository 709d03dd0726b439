// Access control (each role against each write endpoint) and malformed input on every
// endpoint: always a 4xx JSON error, never a 5xx or a crash.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import { liveCall } from "../support/calls.ts";
import { Client, demoOrg, startApp, type TestServer } from "../support/server.ts";

describe("RBAC and malformed input", () => {
  let server: TestServer;
  let org: Awaited<ReturnType<typeof demoOrg>>;
  before(async () => {
    server = await startApp();
    org = await demoOrg(server.url);
  });
  after(() => server.close());

  it("only admins write users, numbers and contacts", async () => {
    const contact = (await org.admin.get<{ contacts: { id: string }[] }>("/contacts")).body.contacts[0].id;
    const writes: [string, string, unknown][] = [
      [
        "POST",
        "/users",
        {
          email: "x@demo.test",
          name: "X",
          password: "coach-pass-2026",
          role: "agent",
          monitoringAccess: "none",
        },
      ],
      ["PATCH", `/users/${org.luis.id}`, { name: "Luis 2" }],
      ["DELETE", `/users/${org.luis.id}`, undefined],
      ["POST", "/numbers", { name: "New", e164: "+34910000099", userIds: [] }],
      ["PATCH", `/numbers/${org.sales}`, { userIds: [org.marco.id] }],
      ["DELETE", `/numbers/${org.sales}`, undefined],
      ["POST", "/contacts", { name: "New contact", phoneNumbers: ["+34600000000"] }],
      ["PATCH", `/contacts/${contact}`, { name: "Renamed" }],
      ["DELETE", `/contacts/${contact}`, undefined],
    ];
    for (const who of [org.ana, org.sofia, org.marco]) {
      for (const [method, path, body] of writes) {
        const r = await who.request(method, path, body);
        assert.equal(r.status, 403, `${who.user?.email} ${method} ${path} → ${r.status}`);
        assert.equal(r.body.error?.code, "forbidden");
      }
    }
    const created = await org.admin.post<{ user: { id: string } }>("/users", writes[0][2]);
    assert.equal(created.status, 201);
    assert.equal((await org.admin.patch(`/users/${created.body.user.id}`, { name: "Renamed" })).status, 200);
    assert.equal((await org.admin.post("/users", writes[0][2])).body.error?.code, "email_taken");
    assert.equal((await org.admin.delete(`/users/${created.body.user.id}`)).status, 204);
    const n = await org.admin.post<{ number: { id: string } }>("/numbers", writes[3][2]);
    assert.equal(n.status, 201);
    assert.equal((await org.admin.delete(`/numbers/${n.body.number.id}`)).status, 204);
    const c = await org.admin.post<{ contact: { id: string } }>("/contacts", writes[6][2]);
    assert.equal(c.status, 201);
    assert.equal((await org.admin.patch(`/contacts/${c.body.contact.id}`, { notes: "hi" })).status, 200);
  });

  it("anonymous requests get 401; agents see no Live Monitoring data and cannot act on others' calls", async () => {
    const anon = new Client(server.url, null, null);
    for (const path of ["/me", "/users", "/numbers", "/contacts", "/calls?live=true", "/coaching-sessions"]) {
      const r = await anon.get(path);
      assert.equal(r.status, 401, path);
      assert.equal(r.body.error?.code, "unauthenticated");
    }
    const bogus = new Client(server.url, "not-a-token", null);
    assert.equal((await bogus.get("/me")).status, 401);
    const call = await liveCall(org.admin, org.ana, org.support);
    assert.equal(Array.isArray((await org.luis.get("/calls?live=true")).body.calls), true);
    const luisSees = (await org.luis.get<{ calls: { id: string }[] }>("/calls?live=true")).body.calls;
    assert.ok(!luisSees.some((c) => c.id === call.id), "an agent does not see other agents' calls");
    assert.equal((await org.luis.get(`/calls/${call.id}`)).status, 404);
    for (const action of ["hold", "mute", "hangup"]) {
      assert.ok([403, 404].includes((await org.luis.post(`/calls/${call.id}/${action}`)).status), action);
    }
    assert.equal(
      (await org.sofia.post(`/calls/${call.id}/hold`)).status,
      403,
      "only the call's agent holds it",
    );
    await org.ana.post(`/calls/${call.id}/hangup`);
  });

  it("signing out ends the token", async () => {
    const c = await Client.login(server.url, "marco@demo.test");
    assert.equal((await c.get("/me")).status, 200);
    assert.equal((await c.post("/auth/logout")).status, 204);
    assert.equal((await c.get("/me")).status, 401);
  });

  it("wrong passwords and unknown emails are refused alike", async () => {
    const anon = new Client(server.url, null, null);
    const a = await anon.post("/auth/login", { email: "ana@demo.test", password: "wrong" });
    const b = await anon.post("/auth/login", { email: "nobody@demo.test", password: "wrong" });
    assert.equal(a.status, 401);
    assert.deepEqual(a.body, b.body);
  });

  it("malformed input on every endpoint of the OpenAPI document → 4xx JSON, never 5xx", async () => {
    const doc = (await org.admin.get<{ paths: Record<string, Record<string, unknown>> }>("/openapi.json"))
      .body;
    const routes = Object.entries(doc.paths)
      .flatMap(([path, ops]) =>
        Object.keys(ops).map((method) => [method.toUpperCase(), path.replace(/^\/api\/v1/, "")] as const),
      )
      // Signing out (here or everywhere) would end the tokens the rest of the loop uses.
      .filter(([, path]) => path !== "/auth/logout" && path !== "/auth/logout-all");
    assert.ok(routes.length >= 30, `the OpenAPI document lists the API (${routes.length} operations)`);
    const ids = [
      "does-not-exist",
      "../../etc",
      "%00",
      "x".repeat(200),
      "00000000-0000-0000-0000-000000000000",
    ];
    const bodies: string[] = [
      "{bad json",
      "[]",
      "null",
      '"text"',
      "{}",
      '{"mode":42}',
      '{"numberId":{"$gt":""}}',
      "1e999",
    ];
    let checked = 0;
    for (const [method, template] of routes) {
      for (const id of ids) {
        const path = template.replace(/\{(\w+)\}/g, () => encodeURIComponent(id));
        for (const body of method === "GET" || method === "DELETE" ? [undefined] : bodies) {
          for (const who of [org.admin, org.ana]) {
            const r = await who.request(method, path, body);
            checked++;
            assert.ok(r.status < 500, `${method} ${path} ${body} → ${r.status} ${JSON.stringify(r.body)}`);
            if (r.status >= 400) {
              assert.equal(typeof r.body.error?.code, "string", `${method} ${path} has a JSON error`);
              assert.equal(typeof r.body.error?.message, "string");
            }
          }
        }
      }
    }
    assert.ok(checked > 500);
    // Random JSON values as bodies of the main write endpoints.
    const call = await liveCall(org.admin, org.luis, org.support);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes.filter(([m]) => m !== "GET")),
        fc.jsonValue(),
        async ([m, t], value) => {
          const path = t.replace(/\{(\w+)\}/g, call.id);
          const r = await org.admin.request(m, path, JSON.stringify(value));
          return r.status < 500;
        },
      ),
      { numRuns: 300 },
    );
  });

  it("refuses oversized bodies with 413 and wrong content types with 4xx", async () => {
    const huge = JSON.stringify({ text: "x".repeat(400_000) });
    const r = await org.admin.request("POST", "/contacts", huge);
    assert.equal(r.status, 413);
    assert.equal(r.body.error?.code, "payload_too_large");
    const t = await org.admin.request("POST", "/contacts", "name=x", { "content-type": "text/plain" });
    assert.ok(t.status >= 400 && t.status < 500, String(t.status));
    assert.equal(typeof t.body.error?.code, "string");
    const unknown = await org.admin.get("/no/such/thing");
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error?.code, "not_found");
  });
});
