// Issue 12's network test with real hosts: Earshot (its real entry point, over HTTPS) and
// coturn in `server`; agent and coach in `office`, behind a NAT whose firewall drops all UDP;
// the widget customer in `home`, behind a NAT with UDP. Coaching through the real API must
// route audio exactly as SPEC §3 says, with the office legs relayed by TURN over TCP/TLS and
// the home leg direct, and Earshot's namespace must send nothing anywhere else.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { IceServers } from "../../src/api/iceServers.ts";
import type { Call } from "../../src/protocol/resources.ts";
import { BARGE, expectHearing, LISTEN, NO_COACH, TONES, WHISPER, waitFor } from "../media/routing.browser.ts";
import type { SelectedPair } from "../support/browser.ts";
import { getCall, widgetCall } from "../support/calls.ts";
import { httpsRequest } from "../support/https.ts";
import { useIceServers } from "../support/ice-party.ts";
import { type EarshotWorld, startEarshotWorld, TURN_SECRET } from "../support/netns-earshot.ts";
import { gatherCandidates } from "../support/netns-ice.ts";
import { Client, demoOrg } from "../support/server.ts";
import { firstUseCheck } from "../support/web.ts";

/** How long after the API's reply a narrowed route may still reach the listener's track: its jitter buffer and a margin. */
const NARROWING_MS = 500;

describe("coaching across real networks: HTTPS, TURN, NAT and an office that drops UDP", {
  timeout: 240_000,
}, () => {
  let w: EarshotWorld;
  let org: Awaited<ReturnType<typeof demoOrg>>;
  /** ana's TURN credentials from the plain-HTTP Earshot (EARSHOT_TURN_TTL_S=60). */
  let shortLived: IceServers;

  before(async () => {
    w = await startEarshotWorld();
    // ana's credentials from the plain-HTTP Earshot, valid 60 s: minted first, refused by coturn last.
    shortLived = (await (await Client.login(w.plainUrl, "ana@demo.test")).get<IceServers>("/ice-servers"))
      .body;
    // From here on, Earshot's namespace must send nothing outside the test's hosts.
    await w.net.resetEgress(w.net.server);
    org = await demoOrg(w.apiUrl, w.fetcher);
    // Each party on a page of Earshot's own HTTPS origin, by name (the certificate's DNS SAN).
    await Promise.all(Object.values(w.parties).map((p) => p.moveTo(`${w.origin}/api/v1/health`)));
  });
  after(async () => {
    await w?.close();
  });

  const wss = (query: string) => `${w.origin.replace("https:", "wss:")}/api/v1/ws?${query}`;
  const bearer = (c: Client) => ({ authorization: `Bearer ${c.token}` });
  const turnTcp = (s: IceServers) => {
    const turn = s.iceServers.find((x) => x.username);
    assert.ok(turn, `TURN credentials in ${JSON.stringify(s)}`);
    return {
      urls: `turn:${w.net.server.address}:3478?transport=tcp`,
      username: turn.username,
      credential: turn.credential,
    };
  };

  test("the API over HTTPS sends HSTS; /ice-servers is 401 without a valid token and mints per user or per call", async () => {
    const health = await httpsRequest(`${w.apiUrl}/api/v1/health`, w.cert.certPem);
    assert.equal(health.status, 200);
    assert.match(String(health.headers["strict-transport-security"]), /max-age=\d+/);
    const refused: Record<string, string>[] = [
      {},
      { authorization: "Bearer nope" },
      { "x-call-token": "forged.token" },
    ];
    for (const headers of refused) {
      const r = await httpsRequest(`${w.apiUrl}/api/v1/ice-servers`, w.cert.certPem, { headers });
      assert.equal(r.status, 401, `${JSON.stringify(headers)}: ${r.body}`);
      assert.doesNotMatch(r.body, /credential/);
    }
    const config = await httpsRequest(`${w.apiUrl}/api/v1/config`, w.cert.certPem);
    assert.equal(config.status, 200);
    assert.doesNotMatch(config.body, new RegExp(`credential|${TURN_SECRET}`), "no credential in /config");

    const mine = await org.ana.get<IceServers>("/ice-servers");
    assert.equal(mine.status, 200);
    const [turn] = mine.body.iceServers;
    assert.deepEqual(turn.urls, [
      `turn:${w.net.server.address}:3478?transport=udp`,
      `turn:${w.net.server.address}:3478?transport=tcp`,
      "turns:earshot.test:5349?transport=tcp",
    ]);
    const expiry = Number(turn.username?.split(":")[0]);
    assert.equal(turn.username, `${expiry}:${org.ana.id}`, "minted for ana");
    assert.ok(Math.abs(expiry - Date.now() / 1000 - 3600) < 60, "valid for the default hour");

    // The plain-HTTP Earshot's credentials are valid 60 s: coturn takes them now (and refuses them later).
    assert.ok(Date.parse(shortLived.expiresAt ?? "") - Date.now() < 61_000, JSON.stringify(shortLived));
    const fresh = await gatherCandidates(w.parties.agent.page, [turnTcp(shortLived)]);
    assert.deepEqual(
      fresh.candidates.map((c) => [c.type, c.relayProtocol]),
      [["relay", "tcp"]],
    );
  });

  test("SPEC §3 by FFT in every mode: office legs relayed over TURN TCP/TLS, the home leg direct", async () => {
    const b = w.parties;
    const udpDroppedBefore = await w.net.officeUdpDropped();
    const call = await connectedCall();
    await expectHearing(b, NO_COACH, { label: "call", timeoutMs: 15_000 });

    const coachIce = await useIceServers(b.coach, bearer(org.sofia));
    assert.match(coachIce.iceServers[0].username ?? "", new RegExp(`^\\d+:${org.sofia.id}$`));
    const session = await b.coach.coachJoin(
      `${w.origin}/api/v1`,
      org.sofia.token ?? "",
      wss(`token=${org.sofia.token}`),
      call.id,
    );
    await expectHearing(b, LISTEN, {
      label: "listen",
      timeoutMs: 15_000,
      never: [
        ["customer", "coach"],
        ["agent", "coach"],
      ],
    });

    // How each leg's media flows, from the browsers' own getStats().
    const pairs = {} as Record<"agent" | "coach" | "customer", SelectedPair>;
    for (const party of ["agent", "coach", "customer"] as const) {
      await waitFor(async () => (await b[party].selectedPair()) !== null, `${party}'s selected pair`);
      pairs[party] = (await b[party].selectedPair()) as SelectedPair;
      assert.equal(pairs[party].remoteAddress, w.net.server.address, `${party} reaches the media plane`);
    }
    for (const party of ["agent", "coach"] as const) {
      assert.equal(
        pairs[party].localType,
        "relay",
        `${party} (office) is relayed: ${JSON.stringify(pairs[party])}`,
      );
      assert.ok(
        ["tcp", "tls"].includes(pairs[party].relayProtocol ?? ""),
        `${party} reaches TURN over TCP or TLS: ${JSON.stringify(pairs[party])}`,
      );
    }
    assert.ok(
      ["host", "prflx", "srflx"].includes(pairs.customer.localType),
      `the customer (home) is direct: ${JSON.stringify(pairs.customer)}`,
    );
    assert.ok(
      (await w.net.officeUdpDropped()) > udpDroppedBefore,
      "the office's Chromiums tried UDP and were dropped",
    );

    const mode = async (m: string, want: typeof LISTEN, label: string, never: [string, string][] = []) => {
      const r = await org.sofia.patch(`/coaching-sessions/${session.id}`, { mode: m });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      await expectHearing(b, want, { label, never: never as never });
    };
    await mode("whisper", WHISPER, "whisper", [["customer", "coach"]]);
    await mode("barge", BARGE, "barge");
    // Barge → whisper narrows: what the customer's jitter buffer holds still plays (≈ 50–150 ms
    // here), and the analyser's 8192-point window (170 ms) keeps it in view after that. So the
    // coach must leave the customer's track frame by frame within a bound, and from the moment the
    // analyser is clear, never come back.
    const patched = await org.sofia.patch(`/coaching-sessions/${session.id}`, { mode: "whisper" });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    const acknowledged = Date.now();
    const goneAt = await b.customer.waitToneAtTrack(1, TONES.coach, false, NARROWING_MS);
    assert.ok(
      goneAt - acknowledged < NARROWING_MS,
      `coach gone from the customer's track ${goneAt - acknowledged} ms after the reply`,
    );
    await b.customer.waitTone(1, TONES.coach, false, 1000);
    await expectHearing(b, WHISPER, { label: "whisper again", never: [["customer", "coach"]] });
    await mode("listen", LISTEN, "back to listen", [["customer", "coach"]]);

    await org.ana.post(`/calls/${call.id}/hangup`);
    assert.equal((await getCall(org.admin, call.id)).state, "ended");
  });

  test("the network diagnostic: in office UDP is blocked and TURN over TCP/TLS works; at home direct UDP works", async () => {
    // ana at the office and luis working from home, each in a fresh tab of their own browser.
    const [office, home] = await Promise.all([
      w.parties.agent.browser.newContext(),
      w.parties.customer.browser.newContext(),
    ]);
    try {
      const [atOffice, atHome] = await Promise.all([
        firstUseCheck(await office.newPage(), w.origin, "ana@demo.test"),
        firstUseCheck(await home.newPage(), w.origin, "luis@demo.test"),
      ]);
      assert.deepEqual(atOffice.rows, {
        signalling: "ok",
        udp: "fail",
        turnUdp: "fail",
        turnTcp: "ok",
        turnTls: "ok",
      });
      assert.deepEqual(atOffice.via, { turnTcp: "relay/tcp", turnTls: "relay/tls" });
      assert.equal(atOffice.path, "turn-tcp");
      assert.deepEqual(atHome.rows, {
        signalling: "ok",
        udp: "ok",
        turnUdp: "ok",
        turnTcp: "ok",
        turnTls: "ok",
      });
      // Direct: from its host address; Chromium may name it by the NAT's mapped address the
      // server's check response reported (a local peer-reflexive candidate).
      assert.match(atHome.via.udp, /^(host|prflx|srflx)\/udp$/);
      assert.equal(atHome.path, "udp");
    } finally {
      await Promise.all([office.close(), home.close()]);
    }
  });

  test("a page over plain HTTP from another network explains that audio needs HTTPS", async () => {
    const page = await w.parties.agent.browser.newPage();
    try {
      await page.goto(`${w.plainUrl}/`);
      await page
        .getByRole("heading", { name: "This page needs HTTPS for audio" })
        .waitFor({ timeout: 10_000 });
      assert.equal(await page.evaluate(() => window.isSecureContext), false);
      // The same app over HTTPS is a secure context and offers the sign-in instead.
      await page.goto(`${w.origin}/`);
      await page.getByLabel("Email").waitFor({ timeout: 10_000 });
      assert.equal(await page.getByRole("heading", { name: "This page needs HTTPS for audio" }).count(), 0);
    } finally {
      await page.close();
    }
  });

  test("coturn refuses a credential from /ice-servers once its expiry has passed, and takes a fresh one", async () => {
    const expiresAt = Date.parse(shortLived.expiresAt ?? "");
    // coturn compares whole seconds: wait until the expiry second is over.
    const wait = expiresAt + 1100 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const page = w.parties.agent.page;
    const expired = await gatherCandidates(page, [turnTcp(shortLived)]);
    assert.deepEqual(expired.candidates, [], "no relay with an expired username");
    assert.deepEqual(
      expired.errors.map((e) => e.errorCode),
      [401],
      "coturn refuses it",
    );
    const ana = await Client.login(w.plainUrl, "ana@demo.test");
    const fresh = await gatherCandidates(page, [turnTcp((await ana.get<IceServers>("/ice-servers")).body)]);
    assert.deepEqual(
      fresh.candidates.map((c) => c.type),
      ["relay"],
    );
  });

  test("Earshot's namespace sent nothing outside the test's hosts during the whole run", async () => {
    const destinations = await w.net.egressDestinations(w.net.server);
    assert.equal(await w.net.egressPackets(w.net.server), 0, `sent to ${destinations.join(", ")}`);
    assert.deepEqual(destinations, []);
  });

  /** The widget customer (home) calls Support, ana (office) answers, both attach their audio with their own ICE servers. */
  async function connectedCall(): Promise<Call> {
    const b = w.parties;
    const { call, callToken } = await widgetCall(w.apiUrl, org.support, w.fetcher);
    const answered = await org.ana.post(`/calls/${call.id}/answer`);
    assert.equal(answered.status, 200, JSON.stringify(answered.body));
    const customerIce = await useIceServers(b.customer, { "x-call-token": callToken });
    assert.match(
      customerIce.iceServers[0].username ?? "",
      new RegExp(`^\\d+:${call.id}$`),
      "minted for the call",
    );
    await b.customer.joinViaApi(
      wss(`callToken=${encodeURIComponent(callToken)}`),
      call.id,
      "customer",
      "opus",
    );
    await useIceServers(b.agent, bearer(org.ana));
    await b.agent.joinViaApi(wss(`token=${org.ana.token}`), call.id, "agent", "opus");
    return call;
  }
});
