// What every service of the control plane shares: the ports and the settings.
import type { CallQuality } from "../protocol/resources.ts";
import type { MediaPort, Trunk } from "./mediaPorts.ts";
import type { EventBus, Logger, Store } from "./ports.ts";

export interface ControlSettings {
  /** Outbound numbers that make a call an emergency call. */
  emergencyNumbers: string[];
  /** How long an offer rings before the call waits in its queue again (RONA). */
  ringTimeoutMs: number;
  /** How long an auth token lives. */
  tokenTtlMs: number;
  /** Inbound calls a number may have ringing at once (EARSHOT_MAX_RINGING_PER_NUMBER). */
  maxRingingPerNumber: number;
  /** How long an agent stays in wrap-up after a call, not offered calls (EARSHOT_WRAP_UP_S, default 0). */
  wrapUpMs?: number;
  /** How long an agent may be without any socket before their call returns to its queue (AgentGone.ts). */
  agentGraceMs?: number;
}

/** What the publisher tells the live board (control/liveStats.ts LiveBoard). */
export interface BoardNotice {
  /** A call of the org changed: its board is due for a push. */
  changed(orgId: string): void;
}

/** The latest quality report of each live call, wherever its media is measured. */
export interface QualityReadings {
  of(callId: string): CallQuality | null;
}

export interface ControlContext {
  store: Store;
  bus: EventBus;
  media: MediaPort | null;
  /** The trunk that carries calls to and from the public network (demo network or SIP). */
  trunk: Trunk;
  settings: ControlSettings;
  now(): Date;
  newId(): string;
  /** This server process's id (calls it creates are carried here). */
  nodeId: string;
  /** The latest measured quality of each live call's legs (set once the feed exists; CallQualityFeed.ts). */
  quality?: QualityReadings;
  /** Where work no request waits for reports (trunk callbacks, timers): the Logger port. */
  log: Logger;
  /** The live board, told of call changes (absent: nobody pushes stats.updated). */
  board?: BoardNotice;
}
