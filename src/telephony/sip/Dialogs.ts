// SIP dialogs of the trunk, by SIP Call-ID and by Earshot call.
import type { SipMessage, SipUri } from "sip";
import type { RtpParty } from "../../control/mediaPorts.ts";
import type { Party } from "../../control/routing.ts";

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
  leg: RtpParty;
  payloadType: 0 | 8;
  /** Called once when the dialog ends (a conference's third party leaving). */
  onEnd?: () => void;
}

// The dialog's fields are its DialogInit's (declaration merging), set once in the constructor.
export interface Dialog extends Omit<DialogInit, "cseq"> {}

// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the fields come from DialogInit
export class Dialog {
  state: "early" | "confirmed" | "ended" = "early";
  #cseq: number;
  #timer: NodeJS.Timeout | undefined;

  constructor({ cseq, ...init }: DialogInit) {
    Object.assign(this, init);
    this.#cseq = cseq;
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
