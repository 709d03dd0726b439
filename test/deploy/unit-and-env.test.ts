// The unit parses and runs what `npm start` runs, and the env example and the README document
// every variable src/config.ts reads (issue 12).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { read, root, unitExecStart } from "../support/deploy.ts";

describe("deploy/earshot.service and deploy/earshot.env.example", () => {
  it("the unit parses (systemd-analyze verify) and runs the entry point of npm start", () => {
    const [command, ...args] = unitExecStart();
    const pkg = JSON.parse(read("package.json")) as { scripts: Record<string, string> };
    assert.equal(`node ${args.join(" ")}`, pkg.scripts.start, "ExecStart runs what `npm start` runs");
    assert.ok(existsSync(join(root, args.at(-1) ?? "")), "the entry point exists in the checkout");
    assert.match(command, /^\/usr\/bin\/node$/, "ExecStart names an absolute node");
    const analyze = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"].find((p) => existsSync(p));
    if (!analyze) {
      // Without systemd's tools: at least the command is an executable here.
      assert.ok(existsSync(command) || existsSync(process.execPath), `${command} exists`);
      return;
    }
    const r = spawnSync(analyze, ["verify", join(root, "deploy/earshot.service")], { encoding: "utf8" });
    // verify exits 0 on unknown keys and bad values, only saying so: any line about the unit fails.
    const complaints = `${r.stdout}${r.stderr}`.split("\n").filter((l) => l.includes("earshot.service"));
    assert.deepEqual(complaints, [], `systemd-analyze verify:\n${r.stdout}${r.stderr}`);
    assert.equal(r.status, 0, r.stderr);
  });

  it("every variable the configuration reads is in the env example and the README (SIP_TRUNK_* in docs/SIP.md)", () => {
    // src/config.ts and the abuse limits' settings, the two readers of the environment.
    const source = read("src/config.ts") + read("src/api/limits/settings.ts");
    const names = new Set<string>();
    for (const re of [
      /\benv\.([A-Z][A-Z0-9_]*)/g, // env.DATABASE_URL
      /\benv\[\s*"([A-Z][A-Z0-9_]*)"\s*\]/g, // env["X"]
      /\(\s*env\s*,\s*"([A-Z][A-Z0-9_]*)"/g, // int(env, "PORT", …)
    ])
      for (const m of source.matchAll(re)) names.add(m[1]);
    for (const m of source.matchAll(/const\s*\{([^}]*)\}\s*=\s*env\b/g))
      for (const n of m[1].matchAll(/([A-Z][A-Z0-9_]*)\s*:/g)) names.add(n[1]);
    // The reader above must keep finding what is known to be there.
    for (const known of [
      "PORT",
      "HOST",
      "DATABASE_URL",
      "EARSHOT_TLS_KEY",
      "EARSHOT_TURN_TTL_S",
      "SIP_TRUNK_RTP_PORTS",
    ])
      assert.ok(names.has(known), `found ${known} in src/config.ts`);

    const example = read("deploy/earshot.env.example");
    const inExample = (n: string) => new RegExp(`^#?\\s*${n}=`, "m").test(example);
    assert.deepEqual(
      [...names].filter((n) => !inExample(n)),
      [],
      "variables missing from deploy/earshot.env.example",
    );
    const readmeTable = read("README.md")
      .split("\n")
      .filter((l) => l.startsWith("| `"))
      .join("\n");
    const sipTable = read("docs/SIP.md")
      .split("\n")
      .filter((l) => l.startsWith("| `"))
      .join("\n");
    const documented = (n: string) =>
      readmeTable.includes(`\`${n}\``) ||
      (n.startsWith("SIP_TRUNK_") && readmeTable.includes("`SIP_TRUNK_*`") && sipTable.includes(`\`${n}\``));
    assert.deepEqual(
      [...names].filter((n) => !documented(n)),
      [],
      "variables missing from README.md's configuration table",
    );
    // The deployment files name no variable that config.ts does not read.
    for (const file of [
      "docs/DEPLOY.md",
      "deploy/earshot.service",
      "deploy/nginx.conf",
      "deploy/turnserver.conf",
    ]) {
      const named = [
        ...read(file).matchAll(
          /\b((?:EARSHOT|SIP_TRUNK)_[A-Z0-9_]*[A-Z0-9]|DATABASE_URL|REDIS_URL|LOG_LEVEL)\b/g,
        ),
      ];
      assert.deepEqual(
        [...new Set(named.map((m) => m[1]).filter((n) => !names.has(n)))],
        [],
        `${file} names variables src/config.ts does not read`,
      );
    }
    // And the example names nothing that config.ts does not read.
    const extra = [...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)]
      .map((m) => m[1])
      .filter((n) => !names.has(n));
    assert.deepEqual(extra, [], "deploy/earshot.env.example names variables src/config.ts does not read");
  });
});
