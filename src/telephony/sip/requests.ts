// The requests the trunk sends inside a dialog (RFC 3261 §12.2.1): INVITE (first or re-),
// BYE, ACK for a 2xx, and CANCEL of a pending INVITE. Built from the dialog alone; the trunk
// sends them.
import type * as Sip from "sip";
import type { Dialog } from "./Dialogs.ts";

/** A request of `method` in `d` (the next CSeq), with an SDP body when given. */
export function inDialogRequest(d: Dialog, method: string, contact: string, sdp?: string): Sip.SipMessage {
  const rq: Sip.SipMessage = {
    method,
    uri: d.remoteTarget,
    headers: {
      to: d.remote,
      from: d.local,
      "call-id": d.sipCallId,
      cseq: { method, seq: d.nextCseq() },
      contact: [{ uri: contact }],
      via: [],
      "max-forwards": 70,
    },
  };
  if (sdp) {
    rq.headers["content-type"] = "application/sdp";
    rq.content = sdp;
  }
  return rq;
}

/** The ACK for a 2xx to the INVITE with CSeq `seq`: the UAC core's job (sip 0.0.6 does not send it). */
export function ackRequest(d: Dialog, seq: number): Sip.SipMessage {
  return {
    method: "ACK",
    uri: d.remoteTarget,
    headers: {
      to: d.remote,
      from: d.local,
      "call-id": d.sipCallId,
      cseq: { method: "ACK", seq },
      via: [],
      "max-forwards": 70,
    },
  };
}

/** CANCEL of an INVITE still without a final response (RFC 3261 §9.1: same Call-ID, To, From, CSeq number). */
export function cancelRequest(invite: Sip.SipMessage): Sip.SipMessage {
  return {
    method: "CANCEL",
    uri: invite.uri,
    headers: {
      via: invite.headers.via,
      to: invite.headers.to,
      from: invite.headers.from,
      "call-id": invite.headers["call-id"],
      cseq: { method: "CANCEL", seq: invite.headers.cseq.seq },
      "max-forwards": 70,
    },
  };
}
