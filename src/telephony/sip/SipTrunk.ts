// The SIP trunk (RFC 3261 over UDP and TCP, npm `sip` for parsing and transactions):
// inbound INVITEs to a number's DID ring its line distribution; outbound calls and
// external transfers go to the carrier; BYE, CANCEL and hold re-INVITEs both ways. Each
// trunk party is an RTP party (plain RTP, G.711) in the call's media, through the TrunkMedia
// port; calls and far-end events go to the control plane through the TrunkCalls port.
import { randomBytes } from "node:crypto";
import type * as Sip from "sip";
import { EarshotError } from "../../control/errors.ts";
import type { RtpTarget, Trunk, TrunkCalls, TrunkMedia } from "../../control/mediaPorts.ts";
import type { CallRecord } from "../../control/model.ts";
import type { Logger } from "../../control/ports.ts";
import type { Party } from "../../control/routing.ts";
import { type Dialog, Dialogs } from "./Dialogs.ts";
import { sendInvite } from "./outbound.ts";
import { sendRelease } from "./release.ts";
import { ackRequest } from "./requests.ts";
import { SipEndpoint } from "./SipEndpoint.ts";
import { answerDirection, chooseG711, type Direction, makeSdp, parseSdp } from "./sdp.ts";
import type { SipTrunkSettings } from "./settings.ts";

export type { SipTrunkSettings } from "./settings.ts";

export interface SipTrunkDeps {
  settings: SipTrunkSettings;
  media: TrunkMedia;
  log: Logger;
}

const tag = () => randomBytes(6).toString("hex");
const userOf = (uri: string) => /^sips?:([^@;]+)@/.exec(uri)?.[1] ?? "";
const ALLOW = "INVITE, ACK, CANCEL, BYE, OPTIONS";

export class SipTrunk implements Trunk {
  readonly channel = "sip" as const;
  readonly dialogs = new Dialogs();
  private readonly endpoint: SipEndpoint;
  /** Inbound calls answered before their dialog was ready. */
  private readonly answeredEarly = new Set<string>();
  #calls: TrunkCalls | null = null;

  constructor(private readonly deps: SipTrunkDeps) {
    this.endpoint = new SipEndpoint(deps.settings, deps.log, (rq, remote) => this.onRequest(rq, remote));
  }

  serve(calls: TrunkCalls): void {
    this.#calls = calls;
  }

  private get calls(): TrunkCalls {
    if (!this.#calls) throw new Error("the SIP trunk is not serving the control plane yet");
    return this.#calls;
  }

  private async onRequest(rq: Sip.SipMessage, remote: Sip.Remote): Promise<void> {
    const ep = this.endpoint;
    if (rq.method === "ACK") {
      this.dialogs.bySipId(rq.headers["call-id"])?.acked();
      return;
    }
    if (!this.deps.settings.allow.includes(remote.address)) {
      this.deps.log.info(
        { source: remote.address, method: rq.method },
        "sip: refused a request from an unknown source",
      );
      ep.respond(rq, 403, "Forbidden");
      return;
    }
    const dialog = this.dialogs.bySipId(rq.headers["call-id"]);
    switch (rq.method) {
      case "INVITE":
        if (dialog && rq.headers.to.params?.tag) return this.reinvite(dialog, rq);
        if (dialog) return; // a retransmission the transaction layer did not absorb
        return this.incoming(rq);
      case "CANCEL":
        ep.respond(rq, 200, "OK");
        if (dialog?.state === "early" && dialog.direction === "inbound") {
          ep.respond(dialog.invite, 487, "Request Terminated", { to: dialog.local });
          this.end(dialog, true);
        }
        return;
      case "BYE":
        ep.respond(rq, dialog ? 200 : 481, dialog ? "OK" : "Call/Transaction Does Not Exist");
        if (dialog) this.end(dialog, true);
        return;
      case "OPTIONS":
        ep.respond(rq, 200, "OK", { allow: ALLOW });
        return;
      default:
        ep.respond(rq, 405, "Method Not Allowed", { allow: ALLOW });
    }
  }

  /** A new inbound call: the request-URI's user is the DID of one of our numbers. */
  private async incoming(rq: Sip.SipMessage): Promise<void> {
    const ep = this.endpoint;
    const did = decodeURIComponent(userOf(rq.uri ?? ""));
    const numberId = await this.calls.numberOfDid(did);
    if (!numberId) {
      ep.respond(rq, 404, "Not Found");
      return;
    }
    const offer = parseSdp(rq.content);
    const pt = offer && chooseG711(offer);
    if (!offer || pt === null || pt === undefined) {
      ep.respond(rq, 488, "Not Acceptable Here");
      return;
    }
    ep.respond(rq, 100, "Trying");
    let call: CallRecord;
    try {
      call = await this.calls.inbound(numberId, userOf(rq.headers.from.uri) || "unknown");
    } catch (e) {
      // A number whose ringing cap is reached is busy; anything else is a passing refusal.
      if (e instanceof EarshotError && e.code === "number_busy") ep.respond(rq, 486, "Busy Here");
      else ep.respond(rq, 480, "Temporarily Unavailable");
      this.deps.log.info({ did, reason: (e as Error).message }, "sip: inbound call not taken");
      return;
    }
    const local = { ...rq.headers.to, params: { ...rq.headers.to.params, tag: tag() } };
    const leg = await this.openParty(call.id, "customer", pt, offer);
    const d = this.dialogs.add({
      sipCallId: rq.headers["call-id"],
      callId: call.id,
      party: "customer",
      direction: "inbound",
      invite: rq,
      local,
      remote: rq.headers.from,
      remoteTarget: rq.headers.contact?.[0]?.uri ?? rq.headers.from.uri,
      cseq: 0,
      leg,
      payloadType: pt,
    });
    ep.respond(rq, 180, "Ringing", { to: d.local, contact: [{ uri: ep.contact }] });
    if (this.answeredEarly.delete(call.id)) this.accept(d);
  }

  private openParty(callId: string, party: Party, pt: 0 | 8, remote: RtpTarget | null) {
    const log = this.deps.log;
    return this.deps.media.openRtpParty(callId, party, {
      remote: remote ? { address: remote.address, port: remote.port } : null,
      latchFrom: this.deps.settings.allow,
      payloadType: pt,
      // That a digit arrived, never which: DTMF carries PINs and card numbers.
      onDtmf: () => log.info({ callId, party }, "sip: DTMF received"),
      onForeignSource: (source) =>
        log.debug(
          { callId, party, source: `${source.address}:${source.port}` },
          "sip: RTP from a source that is not the party's dropped (later ones are only counted)",
        ),
    });
  }

  private sdpFor(d: Dialog, direction: Direction = "sendrecv"): string {
    return makeSdp(this.deps.settings.mediaAddress, d.leg.port, d.payloadType, direction);
  }

  /** The agent answered an inbound trunk call: 200 OK, retransmitted until the ACK. */
  answered(call: CallRecord): void {
    const d = this.dialogs.byCall(call.id).find((x) => x.direction === "inbound" && x.state === "early");
    if (d) this.accept(d);
    // The call is visible (and answerable) once it is stored, a moment before its dialog and
    // RTP socket are ready: the dialog is accepted as soon as it is.
    else if (call.customerChannel === "sip" && call.direction === "inbound") this.answeredEarly.add(call.id);
  }

  private accept(d: Dialog): void {
    d.state = "confirmed";
    d.leg.answered();
    const ok = this.endpoint.respond(
      d.invite,
      200,
      "OK",
      { to: d.local, contact: [{ uri: this.endpoint.contact }] },
      this.sdpFor(d),
    );
    d.retransmit(() => this.endpoint.send(ok));
  }

  private reinvite(d: Dialog, rq: Sip.SipMessage): void {
    const offer = parseSdp(rq.content);
    if (!offer) {
      this.endpoint.respond(rq, 488, "Not Acceptable Here");
      return;
    }
    if (offer.address !== "0.0.0.0") d.leg.retarget({ address: offer.address, port: offer.port });
    this.deps.log.info({ callId: d.callId, direction: offer.direction }, "sip: re-INVITE");
    const ok = this.endpoint.respond(
      rq,
      200,
      "OK",
      { contact: [{ uri: this.endpoint.contact }] },
      this.sdpFor(d, answerDirection(offer.direction)),
    );
    d.retransmit(() => this.endpoint.send(ok));
  }

  dial(call: CallRecord, answered: () => void): void {
    void this.invite(call.id, "customer", call.customerNumber, answered);
  }

  addParty(call: CallRecord, number: string, events: { answered(): void; left(): void }): void {
    void this.invite(call.id, "coach", number, events.answered, events.left); // the third party's position
  }

  transferExternal(call: CallRecord, to: string): void {
    void this.invite(call.id, "agent", to, () =>
      this.deps.log.info({ callId: call.id }, "sip: external transfer answered"),
    );
  }

  /** An outbound INVITE to the carrier; the answered party becomes `party` in the call's media. */
  private async invite(
    callId: string,
    party: Party,
    number: string,
    answered: () => void,
    onEnd?: () => void,
  ): Promise<void> {
    const c = this.deps.settings;
    const uri = `sip:${number}@${c.carrierAddress}:${c.carrierPort}`;
    let leg: Awaited<ReturnType<SipTrunk["openParty"]>>;
    try {
      leg = await this.openParty(callId, party, 0, null);
    } catch (err) {
      this.deps.log.error({ err, callId, party }, "sip: no RTP party for an outbound call");
      if (onEnd) onEnd();
      else this.calls.farEndHangup(callId);
      return;
    }
    const d = this.dialogs.add({
      sipCallId: `${tag()}${tag()}@${c.listenAddress}`,
      callId,
      party,
      direction: "outbound",
      invite: null as unknown as Sip.SipMessage,
      local: { uri: `sip:earshot@${c.listenAddress}`, params: { tag: tag() } },
      remote: { uri, params: {} },
      remoteTarget: uri,
      cseq: 0,
      leg,
      payloadType: 0,
      onEnd,
    });
    sendInvite(this.endpoint, c, d, {
      answered,
      failed: (status) => {
        this.deps.log.info({ callId, status }, "sip: outbound call failed");
        this.end(d, true);
      },
    });
  }

  hangup(call: CallRecord): void {
    this.answeredEarly.delete(call.id);
    for (const d of this.dialogs.byCall(call.id)) this.release(d);
  }

  /** The conference's third party (the coach's position) only: BYE, or CANCEL while it rings. */
  dropParty(call: CallRecord): void {
    for (const d of this.dialogs.byCall(call.id)) if (d.party === "coach") this.release(d);
  }

  private release(d: Dialog): void {
    this.deps.log.info({ callId: d.callId, party: d.party, state: d.state }, "sip: releasing far end");
    sendRelease(this.endpoint, d);
    this.end(d, false);
  }

  hold(call: CallRecord, onHold: boolean): void {
    const d = this.dialogs.byCall(call.id).find((x) => x.party === "customer" && x.state === "confirmed");
    if (!d) return;
    // We keep sending (hold music), so sendonly; the ACK for the 2xx is ours to send.
    const rq = this.endpoint.inDialog(d, "INVITE", this.sdpFor(d, onHold ? "sendonly" : "sendrecv"), (rs) => {
      if ((rs.status ?? 0) >= 200 && (rs.status ?? 0) < 300)
        this.endpoint.send(ackRequest(d, rq.headers.cseq.seq));
    });
  }

  /** Forgets a dialog and closes its media; `farEnd` tells the control plane the party hung up. */
  private end(d: Dialog, farEnd: boolean): void {
    if (d.state === "ended") return;
    d.state = "ended";
    d.stop();
    this.dialogs.remove(d);
    this.deps.media.detach(d.callId, d.party, farEnd ? "far_end_hangup" : "hangup");
    // A dialog with its own end (a conference's third party) ends only its leg; any other
    // far end hanging up ends the call.
    if (d.onEnd) d.onEnd();
    else if (farEnd) this.calls.farEndHangup(d.callId);
  }

  async close(): Promise<void> {
    for (const d of this.dialogs.all()) {
      d.stop();
      d.leg.close("node_closed");
    }
    this.endpoint.destroy();
  }
}
