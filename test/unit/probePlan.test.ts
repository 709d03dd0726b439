// The network diagnostic's conclusions as pure functions (web/app/src/setup/probePlan.ts): which TURN
// kind each URL is, what each probe is given, the path chosen, and what IT must open.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  candidateHosts,
  choosePath,
  parseTurnUrl,
  probeServers,
  turnUrls,
  whatToOpen,
} from "../../web/app/src/setup/probePlan.ts";

const servers = [
  { urls: ["stun:turn.example.com:3478"] },
  {
    urls: [
      "turn:turn.example.com:3478?transport=udp",
      "turn:turn.example.com?transport=tcp",
      "turns:turn.example.com:5349?transport=tcp",
    ],
    username: "1700000000:u1",
    credential: "c",
  },
];

describe("network diagnostic plan", () => {
  it("reads each TURN URL's kind, host and port (RFC 7065 defaults)", () => {
    assert.deepEqual(parseTurnUrl("turn:t.example:3478"), {
      kind: "turnUdp",
      url: "turn:t.example:3478",
      host: "t.example",
      port: 3478,
    });
    assert.equal(parseTurnUrl("turn:t.example?transport=tcp")?.port, 3478);
    assert.equal(parseTurnUrl("turn:t.example?transport=tcp")?.kind, "turnTcp");
    assert.deepEqual(parseTurnUrl("turns:[2001:db8::1]")?.port, 5349);
    assert.equal(parseTurnUrl("turns:t.example:443?transport=tcp")?.kind, "turnTls");
    assert.equal(parseTurnUrl("stun:t.example:3478"), null);
  });

  it("gives each probe only its kind's URLs, with their credentials, and no STUN", () => {
    const per = probeServers(servers);
    assert.deepEqual(per.turnTcp, [
      { urls: ["turn:turn.example.com?transport=tcp"], username: "1700000000:u1", credential: "c" },
    ]);
    assert.deepEqual(Object.keys(per).sort(), ["turnTcp", "turnTls", "turnUdp"]);
    assert.deepEqual(probeServers([{ urls: ["turn:a:3478?transport=udp"] }]), {
      turnUdp: [{ urls: ["turn:a:3478?transport=udp"] }],
    });
    assert.deepEqual(probeServers([servers[0]]), {});
  });

  it("chooses direct UDP, then TURN over UDP, TCP, TLS; none when everything fails", () => {
    assert.equal(choosePath({ udp: "ok", turnUdp: "ok" }), "udp");
    assert.equal(choosePath({ udp: "fail", turnUdp: "fail", turnTcp: "ok", turnTls: "ok" }), "turn-tcp");
    assert.equal(choosePath({ udp: "fail", turnUdp: "skip", turnTcp: "skip", turnTls: "ok" }), "turn-tls");
    assert.equal(choosePath({ signalling: "ok", udp: "fail", turnUdp: "skip" }), "none");
  });

  it("says what IT must open: the HTTPS port, the media range (or any port), each TURN port", () => {
    const location = { protocol: "https:", hostname: "earshot.example.com", port: "" };
    assert.deepEqual(
      whatToOpen({
        location,
        mediaPorts: { min: 40000, max: 40999 },
        mediaHosts: ["203.0.113.10"],
        turn: turnUrls(servers),
      }),
      [
        { what: "https", host: "earshot.example.com", port: "443" },
        { what: "media", host: "203.0.113.10", port: "40000–40999" },
        { what: "turnUdp", host: "turn.example.com", port: "3478" },
        { what: "turnTcp", host: "turn.example.com", port: "3478" },
        { what: "turnTls", host: "turn.example.com", port: "5349" },
      ],
    );
    assert.deepEqual(
      whatToOpen({ location: { ...location, port: "8443" }, mediaPorts: null, mediaHosts: [], turn: [] }),
      [
        { what: "https", host: "earshot.example.com", port: "8443" },
        { what: "mediaAny", host: "earshot.example.com", port: "" },
      ],
    );
  });

  it("finds where the media plane listens in a probe's answer", () => {
    const sdp =
      "v=0\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n" +
      "a=candidate:1 1 udp 2130706431 203.0.113.10 40002 typ host\r\n" +
      "a=candidate:2 1 udp 2130706431 203.0.113.10 40003 typ host\r\n" +
      "a=candidate:3 1 udp 1694498815 198.51.100.7 40002 typ srflx raddr 0.0.0.0 rport 0\r\n";
    assert.deepEqual(candidateHosts(sdp), ["203.0.113.10"]);
  });
});
