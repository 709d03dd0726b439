// `npm start`'s entry point: invalid configuration is one clear line and a non-zero
// exit; a valid one serves the API with the demo data and prints the logins.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import { loadConfig } from "../../src/config.ts";
import { freePort } from "../support/services.ts";
import { spawnEarshot } from "../support/spawn.ts";

const entry = new URL("../../src/server.ts", import.meta.url).pathname;

describe("start-up", () => {
  // What each bad value says is checked on loadConfig (no process needed); that the entry point
  // turns such an error into one line and exit code 2 is checked once, by spawning it.
  for (const [name, env, pattern] of [
    ["a non-numeric PORT", { PORT: "abc" }, /PORT must be an integer/],
    [
      "a DATABASE_URL that is not postgres",
      { DATABASE_URL: "mysql://x" },
      /DATABASE_URL must start with postgres/,
    ],
    ["a bad EARSHOT_DEMO", { EARSHOT_DEMO: "maybe" }, /EARSHOT_DEMO must be true or false/],
    ["a bad REDIS_URL", { REDIS_URL: "http://x" }, /REDIS_URL must start with redis/],
    ["a bad SIP_TRUNK_CARRIER", { SIP_TRUNK_CARRIER: "carrier" }, /SIP_TRUNK_CARRIER must be IPv4:port/],
    [
      "a bad SIP_TRUNK_RTP_PORTS",
      { SIP_TRUNK_CARRIER: "127.0.0.1:5060", SIP_TRUNK_RTP_PORTS: "9-5" },
      /SIP_TRUNK_RTP_PORTS must be a range/,
    ],
  ] as const) {
    it(`refuses ${name}`, () => {
      assert.throws(() => loadConfig(env), pattern);
    });
  }

  it("stops on invalid configuration with one line and exit code 2", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", entry], {
      env: { ...process.env, PORT: "abc" },
      encoding: "utf8",
      timeout: 20_000,
    });
    assert.equal(r.status, 2);
    const lines = r.stderr.trim().split("\n");
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /^earshot: invalid configuration: PORT must be an integer/);
  });

  it("defaults to port 3000, the embedded database and demo mode", () => {
    const c = loadConfig({});
    assert.equal(c.port, 3000);
    assert.equal(c.databaseUrl, undefined);
    assert.equal(c.demo, true);
    assert.deepEqual(c.emergencyNumbers, ["112", "911", "999"]);
    assert.equal(loadConfig({ DATABASE_URL: "postgres://h/db" }).demo, false);
  });

  it("on loopback (the default) starts with demo data, prints the URL and the logins without a warning, and serves the API", async () => {
    const port = await freePort();
    const server = spawnEarshot({ PORT: String(port), EARSHOT_DATA_DIR: "memory://" });
    try {
      await server.waitFor(/luis@demo\.test/, 60_000);
      const out = server.stdout();
      assert.match(out, /Earshot is running at http:\/\/127\.0\.0\.1:\d+/);
      assert.match(out, /sofia@demo\.test/);
      assert.match(out, /demo1234/);
      const config = await (await fetch(`http://127.0.0.1:${port}/api/v1/config`)).text();
      assert.doesNotMatch(config, /demo1234|password/i, "/config never carries a password");
      // Read after a round trip: the banner, warning included, is written before it is served.
      assert.doesNotMatch(server.stderr(), /WARNING/);
      const login = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "sofia@demo.test", password: "demo1234" }),
      });
      assert.equal(login.status, 200);
      assert.ok(!out.includes((await login.json()).token), "tokens are never printed");
    } finally {
      await server.stop();
    }
  });
});
