// Digest authentication toward the carrier: a carrier (a small `sip` stack in this test)
// challenges the first INVITE with 401; Earshot answers the challenge with the configured
// credentials, and the carrier verifies them.

import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { after, before, describe, it } from "node:test";
import type * as Sip from "sip";
import type { Call } from "../../src/protocol/resources.ts";
import { getCall } from "../support/calls.ts";
import { testMedia } from "../support/media.ts";
import { demoOrg, startServer, type TestServer } from "../support/server.ts";
import { freePort } from "../support/services.ts";

const require = createRequire(import.meta.url);
const sip = require("sip") as typeof Sip;
const digest = require("sip/digest") as {
  challenge(ctx: object, rs: Sip.SipMessage): Sip.SipMessage;
  authenticateRequest(ctx: object, rq: Sip.SipMessage, creds: { user: string; password: string }): boolean;
};

describe("digest authentication toward the carrier", () => {
  let server: TestServer;
  let carrier: Sip.Stack;
  const seen: { authorized: boolean | null }[] = [];

  before(async () => {
    const carrierPort = await freePort();
    const ctx = { realm: "carrier.test" };
    carrier = sip.create({ address: "127.0.0.3", port: carrierPort, tcp: false }, (rq) => {
      if (rq.method !== "INVITE") return;
      if (!rq.headers.authorization) {
        seen.push({ authorized: null });
        carrier.send(digest.challenge(ctx, sip.makeResponse(rq, 401, "Unauthorized")));
        return;
      }
      const ok = digest.authenticateRequest(ctx, rq, { user: "earshot", password: "s3cret" });
      seen.push({ authorized: ok });
      carrier.send(sip.makeResponse(rq, ok ? 486 : 403, ok ? "Busy Here" : "Forbidden"));
    });
    server = await startServer({
      media: await testMedia({ hosts: ["127.0.0.1"] }),
      env: {
        SIP_TRUNK_CARRIER: `127.0.0.3:${carrierPort}`,
        SIP_TRUNK_LISTEN: `127.0.0.2:${await freePort()}`,
        SIP_TRUNK_USERNAME: "earshot",
        SIP_TRUNK_PASSWORD: "s3cret",
      },
    });
  });
  after(async () => {
    carrier?.destroy();
    await server?.close();
  });

  it("answers a 401 challenge with valid credentials", async () => {
    const org = await demoOrg(server.url);
    const r = await org.ana.post<{ call: Call }>("/calls", { numberId: org.support, to: "15550009" });
    assert.equal(r.status, 201);
    for (let i = 0; i < 50 && (await getCall(org.ana, r.body.call.id)).state !== "ended"; i++) {
      await new Promise((res) => setTimeout(res, 100));
    }
    assert.deepEqual(seen, [{ authorized: null }, { authorized: true }]);
    assert.equal((await getCall(org.ana, r.body.call.id)).state, "ended", "the busy far end ends the call");
    // Demo mode keeps its demo caller beside a SIP trunk.
    assert.equal((await org.admin.post("/demo/calls", { numberId: org.support })).status, 201);
  });
});
