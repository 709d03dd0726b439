// Passwords and signing out, through the real HTTP API and WebSocket: a password change or
// an admin reset ends the user's other sessions (their tokens answer 401, their sockets are
// closed with a reason), logout closes that token's sockets, "sign out everywhere" ends all;
// weak passwords are refused with a clear 400; expired tokens are purged.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Client, demoOrg, startServer, type TestServer } from "../support/server.ts";
import { EventClient } from "../support/ws.ts";

const NEW_PASSWORD = "tangerine-orbit-42";

describe("passwords and signing out", () => {
  let server: TestServer;
  let org: Awaited<ReturnType<typeof demoOrg>>;
  const sockets: EventClient[] = [];
  const socketOf = async (c: Client) => {
    const s = await EventClient.connect(server.url, `token=${c.token}`);
    sockets.push(s);
    return s;
  };
  before(async () => {
    server = await startServer();
    org = await demoOrg(server.url);
  });
  after(async () => {
    for (const s of sockets) s.close();
    await server.close();
  });

  it("refuses a wrong current password, a short one and a common one, each with a clear 400/403", async () => {
    const luis = await Client.login(server.url, "luis@demo.test");
    const change = (currentPassword: string, newPassword: string) =>
      luis.post("/me/password", { currentPassword, newPassword });
    const wrong = await change("not-my-password", NEW_PASSWORD);
    assert.equal(wrong.status, 403);
    assert.equal(wrong.body.error?.code, "invalid_current_password");
    const short = await change("demo1234", "short1");
    assert.equal(short.status, 400);
    assert.equal(short.body.error?.code, "password_too_short");
    assert.match(String(short.body.error?.message), /at least 10 characters/);
    for (const common of ["password123", "1234567890", "Qwertyuiop"]) {
      const r = await change("demo1234", common);
      assert.equal(r.status, 400, common);
      assert.equal(r.body.error?.code, "password_too_common");
      assert.match(String(r.body.error?.message), /most common/);
    }
    // Admins are held to the same rules for the passwords they set.
    const created = await org.admin.post("/users", {
      email: "weak@demo.test",
      name: "Weak",
      password: "password123",
      role: "agent",
      monitoringAccess: "none",
    });
    assert.equal(created.status, 400);
    assert.equal(created.body.error?.code, "password_too_common");
    assert.equal((await Client.login(server.url, "luis@demo.test")).user?.email, "luis@demo.test");
  });

  it("a password change revokes the user's other tokens and closes their sockets, not this one", async () => {
    const here = await Client.login(server.url, "marco@demo.test");
    const there = await Client.login(server.url, "marco@demo.test");
    const [hereSocket, thereSocket] = [await socketOf(here), await socketOf(there)];
    const sofiaSocket = await socketOf(org.sofia);
    const r = await here.post("/me/password", { currentPassword: "demo1234", newPassword: NEW_PASSWORD });
    assert.equal(r.status, 204, JSON.stringify(r.body));
    assert.deepEqual(await thereSocket.closed, { code: 4401, reason: "password_changed" });
    assert.ok(thereSocket.has((e) => e.type === "auth.revoked"));
    assert.equal((await there.get("/me")).status, 401);
    assert.equal((await here.get("/me")).status, 200);
    assert.equal(
      (
        await new Client(server.url, null, null).post("/auth/login", {
          email: "marco@demo.test",
          password: "demo1234",
        })
      ).status,
      401,
    );
    await Client.login(server.url, "marco@demo.test", NEW_PASSWORD);
    // The other sockets stay open and keep receiving events.
    await org.luis.patch("/me", { availability: "unavailable" });
    await hereSocket.next((e) => e.type === "user.updated" && e.user.id === org.luis.id);
    await sofiaSocket.next((e) => e.type === "user.updated" && e.user.id === org.luis.id);
    assert.ok(hereSocket.open && sofiaSocket.open);
    assert.ok(!hereSocket.has((e) => e.type === "auth.revoked"));
  });

  it("an admin's reset revokes every token of that user and closes their sockets", async () => {
    const ana = await Client.login(server.url, "ana@demo.test");
    const socket = await socketOf(ana);
    const r = await org.admin.patch(`/users/${ana.id}`, { password: NEW_PASSWORD });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(await socket.closed, { code: 4401, reason: "password_reset" });
    assert.equal((await ana.get("/me")).status, 401);
    assert.equal((await org.ana.get("/me")).status, 401);
    assert.equal((await org.admin.get("/me")).status, 200);
    await Client.login(server.url, "ana@demo.test", NEW_PASSWORD);
  });

  it("logout revokes that token and closes its socket; the user's other sessions go on", async () => {
    const one = await Client.login(server.url, "luis@demo.test");
    const two = await Client.login(server.url, "luis@demo.test");
    const [oneSocket, twoSocket] = [await socketOf(one), await socketOf(two)];
    assert.equal((await one.post("/auth/logout")).status, 204);
    assert.deepEqual(await oneSocket.closed, { code: 4401, reason: "signed_out" });
    assert.equal((await one.get("/me")).status, 401);
    assert.equal((await two.get("/me")).status, 200);
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(twoSocket.open);
  });

  it("sign out everywhere revokes every token of the user and closes all their sockets", async () => {
    const one = await Client.login(server.url, "sofia@demo.test");
    const two = await Client.login(server.url, "sofia@demo.test");
    const [oneSocket, twoSocket] = [await socketOf(one), await socketOf(two)];
    assert.equal((await two.post("/auth/logout-all")).status, 204);
    for (const s of [oneSocket, twoSocket])
      assert.deepEqual(await s.closed, { code: 4401, reason: "signed_out_everywhere" });
    for (const c of [one, two, org.sofia]) assert.equal((await c.get("/me")).status, 401);
  });

  it("takes the bearer scheme in any case", async () => {
    const luis = await Client.login(server.url, "luis@demo.test");
    for (const scheme of ["Bearer", "bearer", "BEARER"]) {
      const r = await fetch(`${server.url}/api/v1/me`, {
        headers: { authorization: `${scheme} ${luis.token}` },
      });
      assert.equal(r.status, 200, scheme);
    }
  });

  it("purges expired tokens when someone signs in", async () => {
    const ctx = server.earshot.services.ctx;
    const old = await Client.login(server.url, "luis@demo.test");
    const realNow = ctx.now;
    try {
      ctx.now = () => new Date(realNow().getTime() + 13 * 3600_000); // past the 12 h lifetime
      await Client.login(server.url, "luis@demo.test");
    } finally {
      ctx.now = realNow;
    }
    // Back in the token's lifetime: had it been kept, it would still work.
    assert.equal((await old.get("/me")).status, 401);
  });
});
