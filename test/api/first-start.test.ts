// A safe first start, through `npm start`'s real entry point: loopback by default; demo data
// (public passwords) only on loopback or when asked for, with a warning then; /config never
// carries a password; without users a one-time set-up link creates the organisation and its
// first admin, and `npm run admin -- create-user` does the same from a shell.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { loadConfig } from "../../src/config.ts";
import { Client } from "../support/server.ts";
import { freePort } from "../support/services.ts";
import { spawnEarshot } from "../support/spawn.ts";

const admin = new URL("../../src/admin.ts", import.meta.url).pathname;
const PASSWORD = "first-admin-passphrase";
const RUNNING = /Earshot is running at (http:\/\/\S+)/;

async function started(env: Record<string, string>) {
  const port = await freePort();
  const server = spawnEarshot({ PORT: String(port), EARSHOT_DATA_DIR: "memory://", ...env });
  await server.waitFor(RUNNING, 90_000).catch(async (e) => {
    await server.stop();
    throw e;
  });
  // The banner is printed in one go after "running"; give its last lines a moment.
  await new Promise((r) => setTimeout(r, 200));
  return { server, url: `http://127.0.0.1:${port}` };
}

const publicConfig = async (url: string) => {
  const text = await (await fetch(`${url}/api/v1/config`)).text();
  return { text, body: JSON.parse(text) as { demo: boolean; demoLogins: Record<string, unknown>[] } };
};

function createUser(env: Record<string, string>, args: string[], input?: string) {
  return spawnSync(process.execPath, ["--import", "tsx", admin, "create-user", ...args], {
    env: { ...process.env, EARSHOT_ADMIN_PASSWORD: "", ...env },
    input: input ?? "",
    encoding: "utf8",
    timeout: 60_000,
  });
}

describe("first start", () => {
  it("listens on loopback by default; demo mode turns itself on only with the embedded database on loopback", () => {
    assert.equal(loadConfig({}).host, "127.0.0.1");
    for (const [env, demo] of [
      [{}, true],
      [{ HOST: "::1" }, true],
      [{ HOST: "localhost" }, true],
      [{ HOST: "0.0.0.0" }, false],
      [{ HOST: "192.0.2.10" }, false],
      [{ HOST: "127.0.0.1", EARSHOT_TRUST_PROXY: "1" }, false],
      [{ DATABASE_URL: "postgres://h/db" }, false],
      [{ HOST: "0.0.0.0", EARSHOT_DEMO: "1" }, true],
      [{ EARSHOT_DEMO: "0" }, false],
    ] as const)
      assert.equal(loadConfig(env).demo, demo, JSON.stringify(env));
  });

  it("on 0.0.0.0 without EARSHOT_DEMO: no demo users, no password in /config, a set-up link that works once", async () => {
    const { server, url } = await started({ HOST: "0.0.0.0" });
    try {
      assert.doesNotMatch(server.stdout() + server.stderr(), /demo1234|@demo\.test/);
      const anon = new Client(url, null, null);
      const demoLogin = await anon.post("/auth/login", { email: "admin@demo.test", password: "demo1234" });
      assert.equal(demoLogin.status, 401);
      const config = await publicConfig(url);
      assert.equal(config.body.demo, false);
      assert.deepEqual(config.body.demoLogins, []);
      assert.doesNotMatch(config.text, /password/i);

      const link = /(http:\/\/\S+)\/setup#([\w-]{40,})/.exec(server.stdout());
      assert.ok(link, server.stdout());
      const token = link[2];
      const page = await fetch(`${url}/setup`);
      assert.equal(page.status, 200, "the web app serves the set-up page");
      const setup = { token, orgName: "Acme", name: "Boss", email: "boss@acme.test", password: PASSWORD };
      const weak = await anon.post("/setup", { ...setup, password: "tooshort" });
      assert.equal(weak.status, 400);
      assert.equal(weak.body.error?.code, "password_too_short");
      const wrong = await anon.post("/setup", { ...setup, token: "x".repeat(43) });
      assert.equal(wrong.status, 403);
      assert.equal(wrong.body.error?.code, "setup_link_invalid");

      const done = await anon.post<{ token: string; user: { role: string; email: string } }>("/setup", setup);
      assert.equal(done.status, 201, JSON.stringify(done.body));
      assert.equal(done.body.user.role, "admin");
      const boss = await Client.login(url, "boss@acme.test", PASSWORD);
      assert.equal(boss.user?.monitoringAccess, "live_monitoring_plus");
      assert.equal((await new Client(url, done.body.token, null).get("/me")).status, 200);

      const again = await anon.post("/setup", { ...setup, email: "intruder@evil.test" });
      assert.equal(again.status, 403);
      assert.equal(again.body.error?.code, "setup_link_invalid");
      const users = await boss.get<{ users: { email: string }[] }>("/users");
      assert.deepEqual(
        users.body.users.map((u) => u.email),
        ["boss@acme.test"],
      );
      assert.ok(!(server.stdout() + server.stderr()).includes(done.body.token), "tokens are never printed");
    } finally {
      await server.stop();
    }
  });

  it("with EARSHOT_DEMO=1 beyond loopback it seeds the demo, warns that its passwords are public, and /config still has none", async () => {
    const { server, url } = await started({ HOST: "0.0.0.0", EARSHOT_DEMO: "1" });
    try {
      assert.match(server.stderr(), /WARNING: demo mode on 0\.0\.0\.0: the demo passwords are public/);
      assert.doesNotMatch(server.stdout(), /\/setup#/);
      const config = await publicConfig(url);
      assert.equal(config.body.demo, true);
      assert.ok(config.body.demoLogins.some((d) => d.email === "sofia@demo.test"));
      assert.doesNotMatch(config.text, /demo1234|password/i);
      await Client.login(url, "sofia@demo.test");
    } finally {
      await server.stop();
    }
  });

  // On loopback (the default) it seeds the demo without the warning: startup.test.ts.

  it("the admin CLI creates a user (password from the environment or stdin, never argv); then no set-up link is printed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "earshot-admin-"));
    const env = { EARSHOT_DATA_DIR: dir };
    const argv = createUser(env, [
      "--email",
      "x@acme.test",
      "--name",
      "X",
      "--role",
      "admin",
      "--password",
      PASSWORD,
    ]);
    assert.equal(argv.status, 2);
    assert.match(argv.stderr, /never put a password on the command line/);
    const first = createUser({ ...env, EARSHOT_ADMIN_PASSWORD: PASSWORD }, [
      "--email",
      "Root@Acme.test",
      "--name",
      "Root",
      "--role",
      "admin",
      "--org",
      "Acme",
    ]);
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /created admin root@acme\.test in organisation "Acme"/);
    const second = createUser(
      env,
      ["--email", "ana@acme.test", "--name", "Ana", "--role", "agent"],
      "agent-passphrase-1\n",
    );
    assert.equal(second.status, 0, second.stderr);
    const common = createUser(
      env,
      ["--email", "bad@acme.test", "--name", "Bad", "--role", "agent"],
      "password123\n",
    );
    assert.equal(common.status, 1);
    assert.match(common.stderr, /most common/);

    const port = await freePort();
    const server = spawnEarshot({ PORT: String(port), EARSHOT_DATA_DIR: dir, EARSHOT_DEMO: "0" });
    try {
      await server.waitFor(RUNNING, 90_000);
      await new Promise((r) => setTimeout(r, 200));
      assert.doesNotMatch(server.stdout(), /setup#|No user yet/);
      const url = `http://127.0.0.1:${port}`;
      const root = await Client.login(url, "root@acme.test", PASSWORD);
      assert.equal(root.user?.role, "admin");
      const ana = await Client.login(url, "ana@acme.test", "agent-passphrase-1");
      assert.equal(ana.user?.monitoringAccess, "none");
      const users = await root.get<{ users: { email: string }[] }>("/users");
      assert.deepEqual(users.body.users.map((u) => u.email).sort(), ["ana@acme.test", "root@acme.test"]);
    } finally {
      await server.stop();
    }
  });
});
