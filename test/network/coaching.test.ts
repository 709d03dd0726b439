// Issue 12's network test with real hosts: Earshot (its real entry point, over HTTPS) and
// coturn in `server`; agent and coach in `office`, behind a NAT whose firewall drops all UDP;
// the widget customer in `home`, behind a NAT with UDP. Coaching through the real API must
// route audio exactly as SPEC §3 says, with the office legs relayed by TURN over TCP/TLS and
// the home leg direct, and Earshot's namespace must send nothing anywhere else.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { IceServers } from "../../src/api/iceServers.ts";
import type { CoachingSession, WidgetCall } from "../../src/protocol/resources.ts";
import {
  BARGE,
  type Expectation,
  expectHearing,
  LISTEN,
  type Never,
  NO_COACH,
  WHISPER,
  waitFor,
} from "../media/routing.browser.ts";
import { getCall } from "../support/calls.ts";
import { httpsRequest } from "../support/https.ts";
import { useIceServers } from "../support/ice-party.ts";
import {
  assertNoEgress,
  assertPaths,
  BOTH_NEVER_HEAR_COACH,
  bearer,
  CUSTOMER_NEVER_HEARS_COACH,
  connectedCall,
  cutOfficeUntilRestarted,
  type DemoOrg,
  expectHearingDespiteDropouts,
  narrowToWhisper,
  turnTcpOf,
  untilRestarted,
  wssUrl,
} from "../support/netns-coaching.ts";
import { type EarshotWorld, GRACE_S, startEarshotWorld, TURN_SECRET } from "../support/netns-earshot.ts";
import { gatherCandidates } from "../support/netns-ice.ts";
import { Client, demoOrg } from "../support/server.ts";
import { firstUseCheck } from "../support/web.ts";

describe("coaching across real networks: HTTPS, TURN, NAT and an office that drops UDP", {
  timeout: 240_000,
}, () => {
  let w: EarshotWorld;
  let org: DemoOrg;
  /** The call of the routing test, kept for the cut tests. */
  let live: { call: WidgetCall; sessionId: string } | undefined;
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

  const turnTcp = (s: IceServers) => turnTcpOf(w, s);

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
    const call = await connectedCall(w, org);
    await expectHearing(b, NO_COACH, { label: "call", timeoutMs: 15_000 });

    const coachIce = await useIceServers(b.coach, bearer(org.sofia));
    assert.match(
      coachIce.iceServers[0].username ?? "",
      new RegExp(`^\\d+:${org.sofia.id}$`),
      "minted for sofia",
    );
    const session = await b.coach.coachJoin(
      `${w.origin}/api/v1`,
      org.sofia.token ?? "",
      wssUrl(w, `token=${org.sofia.token}`),
      call.id,
    );
    await expectHearing(b, LISTEN, { label: "listen", timeoutMs: 15_000, never: BOTH_NEVER_HEAR_COACH });
    // How each leg's media flows, from the browsers' own getStats().
    const pairs = await assertPaths(w);
    assert.ok(
      (await w.net.officeUdpDropped()) > udpDroppedBefore,
      "the office's browsers tried UDP: dropped",
    );

    const mode = async (m: string, want: Expectation, label: string, never: Never = []) => {
      const r = await org.sofia.patch(`/coaching-sessions/${session.id}`, { mode: m });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      await expectHearing(b, want, { label, never });
    };
    await mode("whisper", WHISPER, "whisper", CUSTOMER_NEVER_HEARS_COACH);
    await mode("barge", BARGE, "barge");
    const narrowedMs = await narrowToWhisper(w, org.sofia, session.id);
    await expectHearing(b, WHISPER, { label: "whisper again", never: CUSTOMER_NEVER_HEARS_COACH });
    await mode("listen", LISTEN, "back to listen", CUSTOMER_NEVER_HEARS_COACH);
    console.log(
      `paths: ${Object.entries(pairs)
        .map(([p, x]) => `${p} ${x.localType}/${x.relayProtocol ?? x.protocol}`)
        .join(", ")}; barge → whisper left the customer's track ${narrowedMs} ms after the reply`,
    );
    live = { call, sessionId: session.id };
  });

  test("office cut for a few seconds: agent and coach restart ICE on the same legs, and whisper still reaches only the agent", async () => {
    assert.ok(live, "the previous test's call is live");
    const b = w.parties;
    const patched = await org.sofia.patch(`/coaching-sessions/${live.sessionId}`, { mode: "whisper" });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    await expectHearing(b, WHISPER, { label: "whisper before the cut", never: CUSTOMER_NEVER_HEARS_COACH });
    const office = [b.agent, b.coach];
    const cut = await cutOfficeUntilRestarted(w);
    await untilRestarted(office, 20_000);
    const dropouts = await expectHearingDespiteDropouts(b, WHISPER, {
      label: "after the ICE restarts",
      never: CUSTOMER_NEVER_HEARS_COACH,
      withinMs: 15_000,
    });
    const after = await Promise.all(office.map((p) => p.iceInfo()));
    assert.deepEqual(
      after.map((x) => x.legId),
      cut.before.map((x) => x.legId),
      "the same legs",
    );
    for (const p of office)
      assert.ok(
        !(await p.wsMessages()).some((m) => m.type === "media.closed"),
        `${p.name}'s leg never closed`,
      );
    assert.equal((await getCall(org.admin, live.call.id)).state, "in_progress");
    await assertPaths(w);
    console.log(
      `office cut: both restarted ${cut.restartedMs} ms after the cut; audio right ${Date.now() - cut.restoredAt} ms after the restore, after ${dropouts} dropout(s)`,
    );
  });

  test("office cut for longer than the grace period: the agent is gone, the call back in its queue, as the API says", async () => {
    assert.ok(live, "the previous test's call is live");
    const { call, sessionId } = live;
    live = undefined;
    const cutAt = Date.now();
    await w.net.cut(w.net.office);
    try {
      // The server notices nothing arrives (4 s), then waits the grace period; the agent's
      // softphone is gone, so the widget customer's call waits in its queue again (SPEC §2).
      await waitFor(
        async () => (await getCall(org.admin, call.id)).state === "ringing",
        "the call waits again",
        4000 + GRACE_S * 1000 + 15_000,
      );
    } finally {
      await w.net.restore(w.net.office);
    }
    const endedAfter = Date.now() - cutAt;
    const requeued = await getCall(org.admin, call.id);
    assert.deepEqual([requeued.agentId, requeued.endReason], [null, null]);
    assert.ok(endedAfter >= GRACE_S * 1000, `not before the grace period (${endedAfter} ms)`);
    const sessions = (
      await org.admin.get<{ sessions: CoachingSession[] }>(`/coaching-sessions?callId=${call.id}`)
    ).body.sessions;
    // The coach's leg is lost at the same moment as the agent's: the session ends either way.
    assert.ok(
      ["agent_disconnected", "connection_lost"].includes(
        sessions.find((x) => x.id === sessionId)?.endReason ?? "",
      ),
      JSON.stringify(sessions),
    );
    console.log(`long cut: the call was requeued ${endedAfter} ms after the cut (grace ${GRACE_S} s)`);
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

  test("Earshot's namespace sent nothing outside the test's hosts during the whole run", () =>
    assertNoEgress(w));
});
