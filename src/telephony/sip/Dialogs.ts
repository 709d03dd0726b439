// SIP dialogs of the trunk, by SIP Call-ID and by Earshot call.
import type { SipMessage, SipUri } from "sip";
import type { Party } from "../../control/routing.ts";
import type { RtpLeg } from "./RtpLeg.ts";

export interface DialogInit {
  sipCallId: string;
  callId: string;
  party: Party;
  direction: "inbound" | "outbound";
  invite: SipMessage;
  local: SipUri;
  remote: SipUri;
  remoteTarget: string;
  cseq: number;
  leg: RtpLeg;
  payloadType: 0 | 8;
}

export class Dialog {
  state: "early" | "confirmed" | "ended" = "early";
  sipCallId: string;
  callId: string;
  party: Party;
  direction: "inbound" | "outbound";
  invite: SipMessage;
  local: SipUri;
  remote: SipUri;
  remoteTarget: string;
  leg: RtpLeg;
  payloadType: 0 | 8;
  #cseq: number;
  #timer: NodeJS.Timeout | undefined;

  constructor(init: DialogInit) {
    this.sipCallId = init.sipCallId;
    this.callId = init.callId;
    this.party = init.party;
    this.direction = init.direction;
    this.invite = init.invite;
    this.local = init.local;
    this.remote = init.remote;
    this.remoteTarget = init.remoteTarget;
    this.leg = init.leg;
    this.payloadType = init.payloadType;
    this.#cseq = init.cseq;
  }

  nextCseq(): number {
    this.#cseq += 1;
    return this.#cseq;
  }

  /** Retransmits a 2xx (T1 doubling to T2) until the ACK arrives — the UAS core's job (RFC 3261 13.3.1.4). */
  retransmit(send: () => void): void {
    clearTimeout(this.#timer);
    let interval = 500;
    let tries = 0;
    const again = () => {
      if (++tries > 10) return;
      this.#timer = setTimeout(() => {
        send();
        interval = Math.min(interval * 2, 4000);
        again();
      }, interval);
      this.#timer.unref();
    };
    again();
  }

  acked(): void {
    clearTimeout(this.#timer);
  }

  stop(): void {
    clearTimeout(this.#timer);
  }
}

export class Dialogs {
  readonly #bySip = new Map<string, Dialog>();

  add(init: DialogInit): Dialog {
    const d = new Dialog(init);
    this.#bySip.set(d.sipCallId, d);
    return d;
  }

  bySipId(id: string): Dialog | undefined {
    return this.#bySip.get(id);
  }

  byCall(callId: string): Dialog[] {
    return [...this.#bySip.values()].filter((d) => d.callId === callId);
  }

  all(): Dialog[] {
    return [...this.#bySip.values()];
  }

  remove(d: Dialog): void {
    this.#bySip.delete(d.sipCallId);
  }
}
