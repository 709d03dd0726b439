// The SIP trunk (RFC 3261 over UDP and TCP, npm `sip` for parsing and transactions):
// inbound INVITEs to a number's DID ring its line distribution; outbound calls and
// external transfers go to the carrier; BYE, CANCEL and hold re-INVITEs both ways. Each
// trunk party is an RtpLeg (plain RTP, G.711) in the call's media.
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import type * as Sip from "sip";
import type { SipConfig } from "../../config.ts";
import { EarshotError } from "../../control/errors.ts";
import type { CallRecord } from "../../control/model.ts";
import type { Store, Trunk } from "../../control/ports.ts";
import type { Party } from "../../control/routing.ts";
import type { MediaPlane } from "../../media/plane.ts";
import { RtpLeg } from "../../media/RtpLeg.ts";
import { callCodec } from "../../protocol/calls.ts";
import { type Dialog, Dialogs } from "./Dialogs.ts";
import { ackRequest, cancelRequest, inDialogRequest } from "./requests.ts";
import { RtpPorts } from "./rtpPorts.ts";
import { answerDirection, chooseG711, type Direction, makeSdp, parseSdp } from "./sdp.ts";
import { withGuardedSockets } from "./transportGuard.ts";

const require = createRequire(import.meta.url);
const sip = require("sip") as typeof Sip;
const digest = require("sip/digest") as {
  signRequest(
    ctx: object,
    rq: Sip.SipMessage,
    rs: Sip.SipMessage,
    creds: { user: string; password: string },
  ): void;
};

export type SipTrunkConfig = SipConfig;

export interface SipTrunkDeps {
  config: SipTrunkConfig;
  store: Store;
  media: MediaPlane;
  /** The control plane's entry points, bound after construction. */
  inbound(numberId: string, from: string): Promise<CallRecord>;
  farEndHangup(callId: string): void;
  log(msg: string, fields: Record<string, unknown>, level?: "info" | "debug"): void;
}

const tag = () => randomBytes(6).toString("hex");
const userOf = (uri: string) => /^sips?:([^@;]+)@/.exec(uri)?.[1] ?? "";

export class SipTrunk implements Trunk {
  readonly channel = "sip" as const;
  readonly dialogs = new Dialogs();
  private readonly stack: Sip.Stack;
  private readonly contact: string;
  private readonly rtpPorts: RtpPorts;
  /** Inbound calls answered before their dialog was ready. */
  private readonly answeredEarly = new Set<string>();

  constructor(private readonly deps: SipTrunkDeps) {
    const c = deps.config;
    this.contact = `sip:earshot@${c.listenAddress}:${c.listenPort}`;
    this.rtpPorts = new RtpPorts(c.mediaAddress, c.rtpPortMin, c.rtpPortMax);
    this.stack = withGuardedSockets({ maxDatagram: 8192, maxInvitesPerSecond: 20, log: deps.log }, () =>
      sip.create(
        {
          address: c.listenAddress,
          port: c.listenPort,
          tcp: true,
          logger: { error: (e) => deps.log("sip error", { error: String(e) }) },
        },
        (rq, remote) => {
          this.onRequest(rq, remote).catch((e: Error) =>
            deps.log("sip: request failed", { method: rq.method, error: e.message }),
          );
        },
      ),
    );
  }

  private respond(
    rq: Sip.SipMessage,
    status: number,
    reason: string,
    extra: Partial<Sip.SipMessage["headers"]> = {},
    content?: string,
  ) {
    const rs = sip.makeResponse(rq, status, reason);
    rs.headers = { ...rs.headers, ...extra } as Sip.SipMessage["headers"];
    if (content !== undefined) {
      rs.headers["content-type"] = "application/sdp";
      rs.content = content;
    }
    this.stack.send(rs);
    return rs;
  }

  private async onRequest(rq: Sip.SipMessage, remote: Sip.Remote): Promise<void> {
    if (rq.method === "ACK") {
      this.dialogs.bySipId(rq.headers["call-id"])?.acked();
      return;
    }
    if (!this.deps.config.allow.includes(remote.address)) {
      this.deps.log("sip: refused a request from an unknown source", {
        source: remote.address,
        method: rq.method,
      });
      this.respond(rq, 403, "Forbidden");
      return;
    }
    const dialog = this.dialogs.bySipId(rq.headers["call-id"]);
    switch (rq.method) {
      case "INVITE":
        if (dialog && rq.headers.to.params?.tag) return this.reinvite(dialog, rq);
        if (dialog) return; // a retransmission the transaction layer did not absorb
        return this.incoming(rq);
      case "CANCEL":
        this.respond(rq, 200, "OK");
        if (dialog?.state === "early" && dialog.direction === "inbound") {
          this.respond(dialog.invite, 487, "Request Terminated", { to: dialog.local });
          this.end(dialog, true);
        }
        return;
      case "BYE":
        this.respond(rq, dialog ? 200 : 481, dialog ? "OK" : "Call/Transaction Does Not Exist");
        if (dialog) this.end(dialog, true);
        return;
      case "OPTIONS":
        this.respond(rq, 200, "OK", { allow: "INVITE, ACK, CANCEL, BYE, OPTIONS" });
        return;
      default:
        this.respond(rq, 405, "Method Not Allowed", { allow: "INVITE, ACK, CANCEL, BYE, OPTIONS" });
    }
  }

  /** A new inbound call: the request-URI's user is the DID of one of our numbers. */
  private async incoming(rq: Sip.SipMessage): Promise<void> {
    const did = decodeURIComponent(userOf(rq.uri ?? ""));
    const number =
      (await this.deps.store.getNumberByE164(did)) ??
      (await this.deps.store.getNumberByE164(`+${did.replace(/^\+/, "")}`));
    if (!number) {
      this.respond(rq, 404, "Not Found");
      return;
    }
    const offer = parseSdp(rq.content);
    const pt = offer && chooseG711(offer);
    if (!offer || pt === null || pt === undefined) {
      this.respond(rq, 488, "Not Acceptable Here");
      return;
    }
    this.respond(rq, 100, "Trying");
    let call: CallRecord;
    try {
      call = await this.deps.inbound(number.id, userOf(rq.headers.from.uri) || "unknown");
    } catch (e) {
      // A number whose ringing cap is reached is busy; anything else is a passing refusal.
      if (e instanceof EarshotError && e.code === "number_busy") this.respond(rq, 486, "Busy Here");
      else this.respond(rq, 480, "Temporarily Unavailable");
      this.deps.log("sip: inbound call not taken", { did, reason: (e as Error).message });
      return;
    }
    const local = { ...rq.headers.to, params: { ...rq.headers.to.params, tag: tag() } };
    const leg = await this.openLeg(call.id, "customer", pt, offer);
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
    this.respond(rq, 180, "Ringing", { to: d.local, contact: [{ uri: this.contact }] });
    if (this.answeredEarly.delete(call.id)) this.accept(d);
  }

  private async openLeg(
    callId: string,
    party: Party,
    pt: 0 | 8,
    offer: { address: string; port: number } | null,
  ) {
    const socket = await this.rtpPorts.bind();
    const call = this.deps.media.node.openCall(callId, { codec: callCodec("sip") });
    const leg = new RtpLeg({
      party,
      socket,
      remote: offer ? { address: offer.address, port: offer.port } : { address: "0.0.0.0", port: 9 },
      latchFrom: this.deps.config.allow,
      payloadType: pt,
      sink: call.packetSink,
      // That a digit arrived, never which: DTMF carries PINs and card numbers.
      onDtmf: () => this.deps.log("sip: DTMF received", { callId, party }),
      onForeignSource: (source) =>
        this.deps.log(
          "sip: RTP from a source that is not the party's dropped (later ones are only counted)",
          { callId, party, source: `${source.address}:${source.port}` },
          "debug",
        ),
    });
    call.attachLeg(leg);
    return leg;
  }

  private sdpFor(d: Dialog, direction: Direction = "sendrecv"): string {
    return makeSdp(this.deps.config.mediaAddress, d.leg.port, d.payloadType, direction);
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
    const ok = this.respond(
      d.invite,
      200,
      "OK",
      { to: d.local, contact: [{ uri: this.contact }] },
      this.sdpFor(d),
    );
    d.retransmit(() => this.stack.send(ok));
  }

  private reinvite(d: Dialog, rq: Sip.SipMessage): void {
    const offer = parseSdp(rq.content);
    if (!offer) {
      this.respond(rq, 488, "Not Acceptable Here");
      return;
    }
    if (offer.address !== "0.0.0.0") d.leg.retarget({ address: offer.address, port: offer.port });
    this.deps.log("sip: re-INVITE", { callId: d.callId, direction: offer.direction });
    const ok = this.respond(
      rq,
      200,
      "OK",
      { contact: [{ uri: this.contact }] },
      this.sdpFor(d, answerDirection(offer.direction)),
    );
    d.retransmit(() => this.stack.send(ok));
  }

  /** Sends a request in an established dialog. */
  private inDialog(
    d: Dialog,
    method: string,
    sdp?: string,
    cb?: (rs: Sip.SipMessage) => void,
  ): Sip.SipMessage {
    const rq = inDialogRequest(d, method, this.contact, sdp);
    this.stack.send(rq, cb);
    return rq;
  }

  dial(call: CallRecord, answered: () => void): void {
    void this.invite(call.id, "customer", call.customerNumber, answered);
  }

  addParty(call: CallRecord, number: string, events: { answered(): void; left(): void }): void {
    void this.invite(call.id, "coach", number, events.answered, events.left); // the third party's position
  }

  transferExternal(call: CallRecord, to: string): void {
    void this.invite(call.id, "agent", to, () =>
      this.deps.log("sip: external transfer answered", { callId: call.id }),
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
    const c = this.deps.config;
    const uri = `sip:${number}@${c.carrierAddress}:${c.carrierPort}`;
    const leg = await this.openLeg(callId, party, 0, null);
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
    const send = (authFrom?: Sip.SipMessage) => {
      const rq = inDialogRequest(d, "INVITE", this.contact, makeSdp(c.mediaAddress, leg.port, "offer"));
      if (authFrom && c.username)
        digest.signRequest({}, rq, authFrom, { user: c.username, password: c.password ?? "" });
      d.invite = rq;
      let confirmed = false;
      this.stack.send(rq, (rs) => {
        const status = rs.status ?? 0;
        if (status < 200) return;
        if ((status === 401 || status === 407) && !authFrom && c.username) return send(rs);
        if (status >= 300) {
          this.deps.log("sip: outbound call failed", { callId, status });
          this.end(d, true);
          return;
        }
        d.remote = rs.headers.to;
        d.remoteTarget = rs.headers.contact?.[0]?.uri ?? uri;
        this.stack.send(ackRequest(d, rq.headers.cseq.seq)); // every 2xx copy is ACKed
        if (confirmed) return;
        confirmed = true;
        const answer = parseSdp(rs.content);
        const pt = answer && chooseG711(answer);
        if (answer) leg.retarget({ address: answer.address, port: answer.port });
        else leg.answered();
        if (pt === 8) leg.payloadType = 8;
        d.state = "confirmed";
        answered();
      });
    };
    send();
  }

  hangup(call: CallRecord): void {
    this.answeredEarly.delete(call.id);
    for (const d of this.dialogs.byCall(call.id)) {
      this.deps.log("sip: releasing far end", { callId: call.id, party: d.party, state: d.state });
      if (d.state === "confirmed") this.inDialog(d, "BYE");
      else if (d.state === "early" && d.direction === "inbound")
        this.respond(d.invite, 480, "Temporarily Unavailable", { to: d.local });
      else if (d.state === "early" && d.invite) this.stack.send(cancelRequest(d.invite));
      this.end(d, false);
    }
  }

  hold(call: CallRecord, onHold: boolean): void {
    const d = this.dialogs.byCall(call.id).find((x) => x.party === "customer" && x.state === "confirmed");
    if (!d) return;
    // We keep sending (hold music), so sendonly; the ACK for the 2xx is ours to send.
    const rq = this.inDialog(d, "INVITE", this.sdpFor(d, onHold ? "sendonly" : "sendrecv"), (rs) => {
      if ((rs.status ?? 0) >= 200 && (rs.status ?? 0) < 300)
        this.stack.send(ackRequest(d, rq.headers.cseq.seq));
    });
  }

  /** Forgets a dialog and closes its media; `farEnd` tells the control plane the party hung up. */
  private end(d: Dialog, farEnd: boolean): void {
    if (d.state === "ended") return;
    d.state = "ended";
    d.stop();
    this.dialogs.remove(d);
    this.deps.media.node.getCall(d.callId)?.detach(d.party, farEnd ? "far_end_hangup" : "hangup");
    // A dialog with its own end (a conference's third party) ends only its leg; any other
    // far end hanging up ends the call.
    if (d.onEnd) d.onEnd();
    else if (farEnd) this.deps.farEndHangup(d.callId);
  }

  async close(): Promise<void> {
    for (const d of this.dialogs.all()) {
      d.stop();
      d.leg.close("node_closed");
    }
    this.stack.destroy();
  }
}
