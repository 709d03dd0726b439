// Permissions bite at once, heard in real browsers (issue 13): a supervisor barging into a
// widget customer's call is cut to Live Monitoring by an admin — when the PATCH answers, the
// media plane already routes her to the agent only, and the customer's FFT stops hearing her;
// made an agent, or removed from the number's distribution, her session ends and her leg is
// detached before the answer. Three Chromiums with 440 / 1000 / 1700 Hz fake microphones.

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Party, Routing } from "../../src/control/routing.ts";
import type { CoachingSession, WidgetCall } from "../../src/protocol/resources.ts";
import { BARGE, expectHearing, NO_COACH, type PARTIES, WHISPER, waitFor } from "../media/routing.browser.ts";
import type { BrowserParty } from "../support/browser.ts";
import { testMedia } from "../support/media.ts";
import { type DemoOrg, type SupervisionRig, startRig } from "../support/rig.ts";

/** What the control plane asked of the media plane for each call, in order. */
type MediaCommand = { kind: "routing"; routing: Routing } | { kind: "detach"; party: Party };

describe("a permission change reaches a live session's audio before it is acknowledged", {
  timeout: 150_000,
}, () => {
  let rig: SupervisionRig;
  let org: DemoOrg;
  let supportUsers: string[];
  const commands = new Map<string, MediaCommand[]>();
  const b = {} as Record<(typeof PARTIES)[number], BrowserParty>;

  before(async () => {
    const media = await testMedia({ hosts: ["127.0.0.1"], connectTimeoutMs: 4000 });
    const record = (callId: string, c: MediaCommand) =>
      commands.set(callId, [...(commands.get(callId) ?? []), c]);
    const applyRouting = media.applyRouting.bind(media);
    media.applyRouting = (callId, routing) => {
      record(callId, { kind: "routing", routing });
      applyRouting(callId, routing);
    };
    const detach = media.detach.bind(media);
    media.detach = (callId, party, reason) => {
      record(callId, { kind: "detach", party });
      detach(callId, party, reason);
    };
    rig = await startRig(media);
    ({ org } = rig);
    Object.assign(b, rig.parties);
    supportUsers = (await org.admin.get<{ number: { userIds: string[] } }>(`/numbers/${org.support}`)).body
      .number.userIds;
  });
  after(() => rig?.close());

  const ws = (q: string) => rig.ws(q);
  const lastRouting = (callId: string) =>
    (commands.get(callId) ?? []).filter((c) => c.kind === "routing").at(-1) as
      | { routing: Routing }
      | undefined;

  /** The widget customer calls Support, ana answers, sofia joins and barges: everyone's audio attached. */
  async function bargedCall(): Promise<{ call: WidgetCall; session: CoachingSession }> {
    const call = await rig.connectedCall();
    const start = await org.sofia.post<{ session: CoachingSession }>(`/calls/${call.id}/coaching`, {});
    assert.equal(start.status, 201, JSON.stringify(start.body));
    await b.coach.joinViaApi(ws(`token=${org.sofia.token}`), call.id, "coach", "opus");
    assert.equal(
      (await org.sofia.patch(`/coaching-sessions/${start.body.session.id}`, { mode: "barge" })).status,
      200,
    );
    await expectHearing(b, BARGE, { label: "barge" });
    return { call, session: start.body.session };
  }

  async function hangUp(call: WidgetCall) {
    await org.ana.post(`/calls/${call.id}/hangup`);
    await org.admin.patch(`/users/${org.sofia.id}`, {
      role: "supervisor",
      monitoringAccess: "live_monitoring_plus",
    });
    await org.admin.patch(`/numbers/${org.support}`, { userIds: supportUsers });
    await org.sofia.patch("/me", { availability: "unavailable" });
  }

  it("cut to Live Monitoring: whisper before the response, and the customer stops hearing her", async () => {
    await org.sofia.patch("/me", { availability: "unavailable" }); // she does not ring
    const { call, session } = await bargedCall();
    const r = await org.admin.patch(`/users/${org.sofia.id}`, { monitoringAccess: "live_monitoring" });
    assert.equal(r.status, 200);
    // Acknowledged: the media plane routes the coach to the agent only, and the session is whisper.
    assert.deepEqual(lastRouting(call.id)?.routing.customer, ["agent", null]);
    assert.equal(lastRouting(call.id)?.routing.agent[1], "coach");
    await expectHearing(b, WHISPER, { label: "cut to whisper" });
    const refused = await org.sofia.patch(`/coaching-sessions/${session.id}`, { mode: "barge" });
    assert.equal(refused.body.error?.code, "barge_not_allowed");
    await expectHearing(b, WHISPER, { label: "barge refused", never: [["customer", "coach"]] });
    await hangUp(call);
  });

  for (const change of [
    {
      what: "made an agent",
      code: "role_not_allowed",
      apply: () => org.admin.patch(`/users/${org.sofia.id}`, { role: "agent" }),
    },
    {
      what: "removed from the number's distribution",
      code: "not_in_line_distribution",
      apply: () =>
        org.admin.patch(`/numbers/${org.support}`, {
          userIds: supportUsers.filter((id) => id !== org.sofia.id),
        }),
    },
  ]) {
    it(`${change.what}: her leg is detached before the response and nobody hears her`, async () => {
      const { call, session } = await bargedCall();
      const seen = commands.get(call.id)?.length ?? 0;
      const closed = async () => (await b.coach.wsMessages()).filter((m) => m.type === "media.closed").length;
      const closedBefore = await closed();
      const r = await change.apply();
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const after = (commands.get(call.id) ?? []).slice(seen);
      assert.ok(
        after.some((c) => c.kind === "detach" && c.party === "coach"),
        `coach leg detached before the response: ${JSON.stringify(after)}`,
      );
      assert.deepEqual(lastRouting(call.id)?.routing.customer, ["agent", null]);
      assert.deepEqual(lastRouting(call.id)?.routing.agent, ["customer", null]);
      await waitFor(async () => (await closed()) > closedBefore, "coach told her leg closed");
      await expectHearing({ customer: b.customer, agent: b.agent }, NO_COACH, { label: change.what });
      const refused = await org.sofia.patch(`/coaching-sessions/${session.id}`, { mode: "whisper" });
      assert.equal(refused.status, 403);
      assert.equal(refused.body.error?.code, change.code);
      await hangUp(call);
    });
  }
});
