// Types for npm `sip` 0.0.6 (kirm/sip.js), the parts Earshot uses.
declare module "sip" {
  export interface SipUri {
    uri: string;
    params?: Record<string, string | null | undefined>;
    name?: string;
  }
  export interface SipMessage {
    method?: string;
    uri?: string;
    status?: number;
    reason?: string;
    version?: string;
    headers: {
      to: SipUri;
      from: SipUri;
      "call-id": string;
      cseq: { method: string; seq: number };
      contact?: SipUri[];
      via?: unknown[];
      "content-type"?: string;
      "www-authenticate"?: Record<string, string>[];
      "proxy-authenticate"?: Record<string, string>[];
      authorization?: unknown;
      "proxy-authorization"?: unknown;
      [name: string]: unknown;
    };
    content?: string;
  }
  export interface Remote {
    protocol: string;
    address: string;
    port: number;
  }
  export interface Stack {
    send(message: SipMessage, callback?: (response: SipMessage) => void): void;
    destroy(): void;
  }
  export interface Options {
    address?: string;
    port?: number;
    publicAddress?: string;
    tcp?: boolean;
    udp?: boolean;
    logger?: {
      recv?(m: SipMessage, r: Remote): void;
      send?(m: SipMessage, r: Remote): void;
      error?(e: unknown): void;
    };
  }
  export function create(options: Options, onRequest: (request: SipMessage, remote: Remote) => void): Stack;
  export function makeResponse(
    request: SipMessage,
    status: number,
    reason: string,
    extension?: object,
  ): SipMessage;
  export function parseUri(
    uri: string,
  ): { schema: string; user?: string; host: string; port?: number } | undefined;
  export function parse(data: string): SipMessage | undefined;
  export function stringify(message: SipMessage): string;
}
