// The network-namespace harness (test/support/netns.ts) proven on its own: NAT really
// happens, the office's firewall really drops UDP, coturn's TURN REST credentials work and
// expire, TLS to coturn with the test certificate, cut()/restore(), the egress counter, and the
// clean-up. Everything the later end-to-end test over HTTPS and TURN stands on.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { get } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { turnCredential } from "../../src/api/iceServers.ts";
import { writeToneWav } from "../support/audio.ts";
import { makeTestCert, type TestCert } from "../support/certs.ts";
import { type Coturn, startCoturn } from "../support/coturn.ts";
import { createNetwork, type Network } from "../support/netns.ts";
import { launchChromiumIn } from "../support/netns-chromium.ts";
import { connectDataChannel, gatherCandidates } from "../support/netns-ice.ts";
import { type ProbeServer, probe, startProbeServer } from "../support/netns-probes.ts";
import {
  assertPrerequisites,
  INSTALL_HINT,
  missingPrerequisites,
  RUN_DIR,
  removeStaleRuns,
  runSync,
} from "../support/netns-run.ts";

const SECRET = "netns-test-secret";
const HTTPS_PORT = "8443";

describe("network namespaces: NAT, an office that blocks UDP, coturn and Chromium", () => {
  let net: Network;
  let cert: TestCert;
  let https: ProbeServer;
  let turn: Coturn;
  let office: Browser;
  let home: Browser;
  let officePage: Page;
  let homePage: Page;
  const dir = mkdtempSync(join(tmpdir(), "earshot-netns-test-"));

  before(async () => {
    net = await createNetwork();
    cert = makeTestCert({ ips: [net.server.address], dns: ["earshot.test"] });
    https = await startProbeServer(net, net.server, [
      "https-serve",
      net.server.address,
      HTTPS_PORT,
      cert.certFile,
      cert.keyFile,
    ]);
    turn = await startCoturn({
      host: net.server,
      secret: SECRET,
      realm: "earshot.test",
      cert: cert.certFile,
      key: cert.keyFile,
    });
    const wav = join(dir, "home-440.wav");
    writeToneWav(wav, 440, 5);
    [office, home] = await Promise.all([
      launchChromiumIn(net.office, { cert, hosts: { "earshot.test": net.server.address } }),
      launchChromiumIn(net.home, { cert, args: [`--use-file-for-fake-audio-capture=${wav}`] }),
    ]);
    [officePage, homePage] = await Promise.all([office.newPage(), home.newPage()]);
  });

  after(async () => {
    await Promise.allSettled([office?.close(), home?.close(), turn?.close(), https?.close()]);
    await net?.close();
    cert?.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  const credential = (expiry: number) => {
    const username = `${expiry}:user-ana`;
    return { username, credential: turnCredential(SECRET, username) };
  };
  const inAMinute = () => Math.floor(Date.now() / 1000) + 60;
  const turnTcp = (c: { username: string; credential: string }) => ({
    urls: `turn:${net.server.address}:3478?transport=tcp`,
    ...c,
  });

  test("a missing prerequisite fails with what to install, never a skip", () => {
    const missing = missingPrerequisites({ PATH: "/nonexistent" });
    for (const tool of ["ip", "iptables", "turnserver"]) {
      assert.ok(
        missing.some((m) => m.startsWith(`${tool} `)),
        `${tool} reported missing: ${missing}`,
      );
    }
    assert.throws(() => assertPrerequisites({ PATH: "/nonexistent" }), new RegExp(INSTALL_HINT));
    assert.deepEqual(missingPrerequisites(), [], "this machine has everything");
  });

  test("Chromium in office and home loads the server's HTTPS page; the server sees their gateways (NAT)", async () => {
    const url = `https://${net.server.address}:${HTTPS_PORT}/`;
    for (const [page, host, pageUrl] of [
      [officePage, net.office, `https://earshot.test:${HTTPS_PORT}/`], // by name: the cert's DNS SAN
      [homePage, net.home, url],
    ] as const) {
      await page.goto(pageUrl);
      const seen = JSON.parse((await page.textContent("pre")) ?? "{}") as { remoteAddress: string };
      assert.equal(
        seen.remoteAddress,
        host.publicAddress,
        `${host.name} comes from its gateway's wan address`,
      );
      assert.notEqual(seen.remoteAddress, host.address);
      // Chromium's own view of its network is the namespace's: its only host candidate is the LAN address.
      const local = await gatherCandidates(page, [], { policy: "all" });
      assert.deepEqual(
        local.candidates.filter((c) => c.type === "host" && c.protocol === "udp").map((c) => c.address),
        [host.address],
      );
    }
    // A secure context in the namespace: the fake microphone (a WAV file) works there.
    const track = await homePage.evaluate(async () => {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      const state = stream.getAudioTracks()[0]?.readyState;
      for (const t of stream.getTracks()) t.stop();
      return { secure: window.isSecureContext, state };
    });
    assert.deepEqual(track, { secure: true, state: "live" });
    // This process calls the server directly from its own wan address, trusting the test cert.
    const body = await new Promise<string>((resolve, reject) => {
      get(url, { ca: cert.certPem }, (res) => {
        let text = "";
        res.on("data", (d: Buffer) => {
          text += d.toString();
        });
        res.on("end", () => resolve(text));
      }).on("error", reject);
    });
    assert.match(body, new RegExp(`"remoteAddress":"${net.testAddress}"`));
  });

  test("UDP from office never reaches the server while TCP does; UDP from home arrives", async () => {
    const udp = await startProbeServer(net, net.server, ["udp-listen", net.server.address, "5000"]);
    try {
      const droppedBefore = await net.officeUdpDropped();
      await probe(net, net.office, ["udp-send", net.server.address, "5000", "from-office", "5"]);
      await probe(net, net.home, ["udp-send", net.server.address, "5000", "from-home", "5"]);
      const fromHome = await udp.waitFor((e) => e.udp === "from-home");
      assert.equal(fromHome.from, net.home.publicAddress);
      // Home's datagrams were sent after office's, on the same path length: office's would be in.
      await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual(
        udp.events.filter((e) => e.udp === "from-office"),
        [],
        "office UDP is dropped",
      );
      assert.ok((await net.officeUdpDropped()) >= droppedBefore + 5, "the office gateway dropped them");
      const out = await probe(net, net.office, ["tcp-connect", net.server.address, HTTPS_PORT, "2000"]);
      assert.match(out, /"connected"/);
      await https.waitFor((e) => e.tcp === net.office.publicAddress);
    } finally {
      await udp.close();
    }
  });

  test("coturn over TCP: office gets a relay with a fresh credential and none (401) with an expired one", async () => {
    const url = `turn:${net.server.address}:3478?transport=tcp`;
    const fresh = await gatherCandidates(officePage, [{ urls: url, ...credential(inAMinute()) }]);
    assert.ok(fresh.complete, "gathering completes");
    assert.deepEqual(
      fresh.candidates.map((c) => [c.type, c.address, c.relayProtocol]),
      [["relay", net.server.address, "tcp"]],
    );
    const expired = await gatherCandidates(officePage, [
      { urls: url, ...credential(Math.floor(Date.now() / 1000) - 10) },
    ]);
    assert.deepEqual(expired.candidates, [], "no relay with an expired username");
    assert.deepEqual(
      expired.errors.map((e) => e.errorCode),
      [401],
      "coturn refuses it",
    );
  });

  test("a relay-only office peer opens a data channel with a peer in the server namespace (coturn relays to its own address)", async () => {
    const server = await launchChromiumIn(net.server);
    try {
      const { localTypes } = await connectDataChannel(
        { page: officePage, policy: "relay", iceServers: [turnTcp(credential(inAMinute()))] },
        { page: await server.newPage(), iceServers: [] },
      );
      assert.deepEqual(localTypes, ["relay", "host"]);
    } finally {
      await server.close();
      // Chromium itself looks names up at start (DNS to the machine's resolver, dropped and
      // counted); Earshot's server will run there without it, so the egress test below starts
      // from zero, whether this test passed or not.
      await net.resetEgress(net.server);
    }
  });

  test("coturn over UDP: nothing from office (its firewall drops UDP), a relay from home", async () => {
    const url = `turn:${net.server.address}:3478?transport=udp`;
    const droppedBefore = await net.officeUdpDropped();
    const [fromOffice, fromHome] = await Promise.all([
      gatherCandidates(officePage, [{ urls: url, ...credential(inAMinute()) }], { timeoutMs: 3000 }),
      gatherCandidates(homePage, [{ urls: url, ...credential(inAMinute()) }], { timeoutMs: 3000 }),
    ]);
    assert.deepEqual(fromOffice.candidates, [], "no relay for office over UDP");
    assert.ok((await net.officeUdpDropped()) > droppedBefore, "office's Chromium tried and was dropped");
    assert.deepEqual(
      fromHome.candidates.map((c) => [c.type, c.address]),
      [["relay", net.server.address]],
    );
    assert.ok(fromHome.ms < 3000);
  });

  test("coturn over TLS (turns:5349) with the test certificate: works from office with the SPKI flag, not without", async () => {
    const url = `turns:${net.server.address}:5349?transport=tcp`;
    const trusted = await gatherCandidates(officePage, [{ urls: url, ...credential(inAMinute()) }]);
    assert.deepEqual(
      trusted.candidates.map((c) => [c.type, c.address, c.relayProtocol]),
      [["relay", net.server.address, "tls"]],
    );
    // Chromium checks a TURN server's certificate like a web page's: the flag is what trusts it.
    const untrusted = await launchChromiumIn(net.office);
    try {
      const page = await untrusted.newPage();
      const refused = await gatherCandidates(page, [{ urls: url, ...credential(inAMinute()) }]);
      assert.deepEqual(refused.candidates, []);
      assert.deepEqual(
        refused.errors.map((e) => e.errorCode),
        [701],
        "TLS handshake refused",
      );
    } finally {
      await untrusted.close();
    }
  });

  test("cut(office) makes a TCP connect from office time out; restore(office) makes it work again", async () => {
    const connect = (host: typeof net.office) =>
      probe(net, host, ["tcp-connect", net.server.address, HTTPS_PORT, "1000"]);
    await net.cut(net.office);
    try {
      await assert.rejects(connect(net.office), /exit 2: tcp-connect: no connection .* within 1000 ms/);
      assert.match(await connect(net.home), /"connected"/, "home is not cut");
    } finally {
      await net.restore(net.office);
    }
    assert.match(await connect(net.office), /"connected"/);
  });

  test("a crashed run's leftovers (namespaces, their processes, its slot record) are removed", async () => {
    const deadPid = spawnSync("true").pid as number;
    // Suffixes of this run's own making, so that two runs of this file never share them.
    const [stale, orphan] = [0, 1].map(() => randomBytes(3).toString("hex"));
    const [withRecord, withoutRecord] = [stale, orphan].map((s) => `eshot-${s}-server`);
    for (const ns of [withRecord, withoutRecord]) runSync(["ip", "netns", "add", ns]);
    const sleeper = spawn("ip", ["netns", "exec", withRecord, "sleep", "600"], { stdio: "ignore" });
    const record = join(RUN_DIR, `slot-test-${stale}.json`);
    writeFileSync(record, JSON.stringify({ pid: deadPid, suffix: stale }));
    await new Promise((r) => setTimeout(r, 100));
    removeStaleRuns();
    const list = runSync(["ip", "netns", "list"]);
    assert.doesNotMatch(list, new RegExp(`eshot-(${stale}|${orphan})-`));
    assert.match(list, new RegExp(`eshot-${net.suffix}-server`), "a live run's namespaces stay");
    await new Promise<void>((r) => (sleeper.exitCode !== null ? r() : sleeper.once("exit", () => r())));
    assert.equal(sleeper.signalCode, "SIGKILL", "the process left in the namespace is killed");
    assert.throws(() => runSync(["ls", record]), "the stale record is gone");
  });

  test("nothing left the server namespace for a third party; a packet to 10.254.254.254 is counted and dropped", async () => {
    assert.equal(await net.egressPackets(net.server), 0, "after HTTPS, UDP, TCP and TURN traffic");
    assert.deepEqual(await net.egressDestinations(net.server), []);
    await assert.rejects(
      probe(net, net.server, ["udp-send", "10.254.254.254", "9", "third-party", "1"]),
      /EPERM/,
      "dropped in the server's OUTPUT",
    );
    assert.equal(await net.egressPackets(net.server), 1);
    assert.deepEqual(await net.egressDestinations(net.server), ["10.254.254.254"]);
    // And had it passed: no route off the machine (the server's default is void0, gateways have none).
    assert.match(await net.exec(net.server, ["ip", "route", "get", "10.254.254.254"]), /dev void0/);
    for (const host of [net.office, net.home]) {
      const gateway = { ns: host.gatewayNs ?? "" };
      await assert.rejects(net.exec(gateway, ["ip", "route", "get", "10.254.254.254"]), /unreachable/);
    }
  });

  test("close() deletes the namespaces, the root veth and the slot record", async () => {
    await Promise.all([office.close(), home.close(), turn.close(), https.close()]);
    await net.close();
    assert.doesNotMatch(runSync(["ip", "netns", "list"]), new RegExp(net.suffix));
    assert.doesNotMatch(runSync(["ip", "-br", "link"]), new RegExp(`eshot-${net.suffix}`));
    const records = readdirSync(RUN_DIR).map((f) => readFileSync(join(RUN_DIR, f), "utf8"));
    assert.doesNotMatch(records.join(), new RegExp(net.suffix));
    await net.close(); // idempotent
  });
});
