// The composition root: wires storage, events, media, the phone network and the API
// from a Config. `npm start` and the tests build Earshot the same way.
import { randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { sql } from "kysely";
import { CallTokens } from "./api/callTokens.ts";
import { buildHttp } from "./api/http.ts";
import { Probes } from "./api/probes.ts";
import type { Services } from "./api/services.ts";
import { Signalling } from "./api/signalling.ts";
import { MediaRelay } from "./cluster/MediaRelay.ts";
import { DEFAULT_PRESENCE, NodePresence, type PresenceTimings } from "./cluster/NodePresence.ts";
import { RedisBus } from "./cluster/RedisBus.ts";
import { TrunkRelay } from "./cluster/TrunkRelay.ts";
import type { Config } from "./config.ts";
import { Accounts } from "./control/Accounts.ts";
import { CallQualityFeed } from "./control/CallQualityFeed.ts";
import { Calls } from "./control/Calls.ts";
import { Coaching } from "./control/Coaching.ts";
import type { ControlContext } from "./control/context.ts";
import { Directory } from "./control/Directory.ts";
import { LiveBoard, SETTLE_MS } from "./control/liveStats.ts";
import type { Trunk } from "./control/mediaPorts.ts";
import type { EventBus, Logger } from "./control/ports.ts";
import { trunkCalls } from "./control/trunkCalls.ts";
import { Webhooks } from "./control/Webhooks.ts";
import { Widget } from "./control/Widget.ts";
import { LocalBus } from "./events/LocalBus.ts";
import { createLogger, type RootLogger, teeLogger } from "./logger.ts";
import type { NodeMedia } from "./media/commands.ts";
import { MediaWorkersReport } from "./media/workers/report.ts";
import { type EmbeddedLender, openDatabase } from "./storage/database.ts";
import { DEMO_CALLERS, DEMO_USERS, seedDemo } from "./storage/demoData.ts";
import { KyselyStore } from "./storage/KyselyStore.ts";
import { missingSecretMessage } from "./storage/migrations.ts";
import { SecretBox } from "./storage/secretBox.ts";
import { DemoNetwork } from "./telephony/DemoNetwork.ts";
import { SipTrunk } from "./telephony/sip/SipTrunk.ts";
import { type Resolver, systemResolver, WebhookTargets } from "./webhooks/targets.ts";
import { WebhookDispatcher } from "./webhooks/WebhookDispatcher.ts";

export interface Earshot {
  http: FastifyInstance;
  services: Services;
  seeded: boolean;
  /** With no user in the database (no demo data): the one-time set-up link's token, to print. */
  setupToken: string | null;
  close(): Promise<void>;
}

export interface EarshotParts {
  /** The media plane; null runs the control plane alone (no audio). */
  media?: NodeMedia | null;
  /** WebSocket keep-alive ping interval (default 25 s). */
  wsHeartbeatMs?: number;
  /** Ring timeout for inbound calls. */
  ringTimeoutMs?: number;
  /** Wrap-up after a call (default config.board.wrapUpMs) and the live board's push interval (default 1 s). */
  wrapUpMs?: number;
  boardPushMs?: number;
  /** How long after its end a call joins the live board's kept sums (default SETTLE_MS, 60 s). */
  boardSettleMs?: number;
  /** The service level threshold in ms (default EARSHOT_SERVICE_LEVEL_S): tests use a short one. */
  serviceLevelMs?: number;
  /** How often the queue's safety-net sweep runs (overdue calls end, waiting calls are offered). */
  queueSweepMs?: number;
  /** How long an agent may be without any socket before their call returns to its queue (EARSHOT_AGENT_RECONNECT_GRACE_S). */
  agentGraceMs?: number;
  /** Also receives the SIP trunk's log lines (observability, tests). */
  onTrunkLog?: (msg: string, fields: Record<string, unknown>) => void;
  /** Delays before webhook retries (default 1 s, 10 s, 60 s). */
  webhookRetryDelaysMs?: number[];
  /** Where the server's log lines go (default stdout); tests read them. Unused with `logger`. */
  logStream?: { write(line: string): void };
  /** The process's logger (src/logger.ts), made before the media plane; default one from LOG_LEVEL. */
  logger?: RootLogger;
  /** Resolves webhook hosts (default: the system's resolver); tests use a fake DNS. */
  webhookResolver?: Resolver;
  /** In a cluster: how often a node announces itself and looks for calls of stopped nodes. */
  presence?: PresenceTimings;
  /** The built web app to serve at / (default web/dist; a test serves React's development build). */
  webRoot?: string;
  /** Lends the embedded database instead of opening one (tests: test/support/databases.ts). */
  embeddedDatabases?: EmbeddedLender;
}

export async function createEarshot(config: Config, parts: EarshotParts = {}): Promise<Earshot> {
  const nodeId = randomUUID();
  // The one logger, before anything that logs (Fastify is given it below).
  const log: RootLogger = parts.logger ?? createLogger({ level: config.logLevel, stream: parts.logStream });
  const box = config.secret ? new SecretBox(config.secret) : null;
  const database = await openDatabase({
    url: config.databaseUrl,
    dataDir: config.dataDir,
    box,
    lender: parts.embeddedDatabases,
    log,
  });
  const sharedBus: EventBus = config.redisUrl
    ? await RedisBus.connect(config.redisUrl, log)
    : new LocalBus(log);
  // One node's media plane; in a cluster (Redis), a relay sends each call's media commands and
  // offers to the node that owns the call. The SIP trunk drives this node's plane directly: a
  // trunk call is opened, and so owned, by the node whose trunk carries it.
  const plane = parts.media ?? null;
  const media: NodeMedia | MediaRelay | null =
    plane && config.redisUrl ? await MediaRelay.connect(config.redisUrl, plane, { nodeId, log }) : plane;
  const store = new KyselyStore(database.db, box);
  const webhookCount = await store.countWebhooks();
  if (webhookCount > 0 && !box) {
    await database.close();
    throw new Error(missingSecretMessage(webhookCount));
  }
  const webhookTargets = new WebhookTargets({
    allowPrivate: config.webhookAllowPrivate,
    resolve: parts.webhookResolver ?? systemResolver,
  });
  const dispatcher = new WebhookDispatcher(store, {
    retryDelaysMs: parts.webhookRetryDelaysMs ?? [1000, 10_000, 60_000],
    timeoutMs: 5000,
    targets: webhookTargets,
    log: (msg, fields) => log.warn(fields, msg),
  });
  const bus = dispatcher.wrap(sharedBus);
  let line: Trunk;
  if (config.sip) {
    if (!plane) throw new Error("the SIP trunk needs the media plane");
    const sip = config.sip;
    const trunkLog: Logger = parts.onTrunkLog ? teeLogger(log, parts.onTrunkLog) : log;
    line = new SipTrunk({
      settings: sip,
      media: plane.rtpParties({
        address: sip.mediaAddress,
        portMin: sip.rtpPortMin,
        portMax: sip.rtpPortMax,
      }),
      log: trunkLog,
    });
  } else {
    line = new DemoNetwork({ answerDelayMs: config.demoAnswerDelayMs, externalCallMs: 20_000, media });
  }
  // In a cluster, what is asked of a call's phone line runs on the node that carries the call.
  const trunk: Trunk = config.redisUrl ? await TrunkRelay.connect(config.redisUrl, line, nodeId, log) : line;
  const ctx: ControlContext = {
    store,
    bus,
    media,
    trunk,
    settings: {
      emergencyNumbers: config.emergencyNumbers,
      ringTimeoutMs: parts.ringTimeoutMs ?? 60_000,
      tokenTtlMs: 12 * 3600_000,
      maxRingingPerNumber: config.maxRingingPerNumber,
      wrapUpMs: parts.wrapUpMs ?? config.board.wrapUpMs,
      agentGraceMs: parts.agentGraceMs ?? config.agentReconnectGraceMs,
    },
    now: () => new Date(),
    newId: randomUUID,
    nodeId,
    log,
  };
  // Each live call's leg quality, measured where its media is and told to monitors on every node.
  const quality = new CallQualityFeed(ctx);
  ctx.quality = quality;
  const board = new LiveBoard(ctx, {
    timeZone: config.board.timeZone,
    serviceLevelMs: parts.serviceLevelMs ?? config.board.serviceLevelMs,
    pushIntervalMs: parts.boardPushMs ?? 1000,
    settleMs: parts.boardSettleMs ?? SETTLE_MS,
  });
  ctx.board = board;
  const coaching = new Coaching(ctx);
  const calls = new Calls(ctx, coaching);
  // The trunk sends what arrives and what its far ends do to the control plane (a port).
  trunk.serve(trunkCalls(ctx, calls));
  // A leg that lost its path past the grace period ends what it carried. The local plane tells
  // only of the legs of calls whose media is here, so in a cluster one node acts on each.
  const stopLegLost = plane?.onLegClose((callId, _legId, reason, party) => {
    if (reason !== "connection_lost") return;
    calls.legLost(callId, party).catch((error: unknown) => {
      log.error({ err: error, callId }, "could not end what a lost audio leg carried");
    });
  });
  // A call whose media worker failed ends (media_failed): its sessions end, its people are freed.
  const stopMediaFailed = plane?.onCallFailed((callId) => {
    calls.end(callId, "media_failed").catch((error: unknown) => {
      log.error({ err: error, callId }, "could not end a call whose media failed");
    });
  });
  const directory = new Directory(ctx, coaching, (orgId) => calls.queue.agentsFreed(orgId), calls.agentGone);
  calls.queue.startSweep(parts.queueSweepMs ?? 5_000);
  calls.transfers.startSweep(parts.queueSweepMs ?? 5_000);
  calls.agentGone.startSweep(parts.queueSweepMs ?? 5_000);
  const accounts = new Accounts(ctx, directory);
  const seeded = config.demo ? await seedDemo(store, randomUUID) : false;
  const setupToken = await accounts.prepareFirstStart();
  let callerIndex = 0;
  const services: Services = {
    ctx,
    board,
    wsHeartbeatMs: parts.wsHeartbeatMs,
    directory,
    accounts,
    calls,
    coaching,
    webhooks: new Webhooks(ctx, { targets: webhookTargets, canSealSecrets: box !== null }),
    widget: new Widget(ctx),
    callTokens: new CallTokens(config.secret),
    signalling: media
      ? new Signalling(store, media, (user, callId) => coaching.mayStart(user, callId))
      : null,
    // A probe tests this node's own media plane (its addresses), even in a cluster.
    probes: plane ? new Probes(plane) : null,
    mediaWorkers: plane ? new MediaWorkersReport(plane) : null,
    publicConfig: {
      demo: config.demo,
      demoLogins: config.demo ? DEMO_USERS.map((u) => ({ email: u.email, role: u.role, name: u.name })) : [],
      emergencyNumbers: config.emergencyNumbers,
      mediaPorts: config.mediaPorts ? { min: config.mediaPorts[0], max: config.mediaPorts[1] } : null,
    },
    ice: config.ice,
    readiness: {
      database: async () => {
        await sql`select 1`.execute(database.db);
      },
      ...(sharedBus instanceof RedisBus ? { redis: () => sharedBus.ping() } : {}),
    },
    demoCaller: () => DEMO_CALLERS[callerIndex++ % DEMO_CALLERS.length],
  };
  const server: FastifyInstance = await buildHttp(services, {
    logger: log,
    tls: config.tls,
    trustProxy: config.trustProxy,
    limits: config.limits,
    redisUrl: config.redisUrl,
    widgetOrigins: config.widgetOrigins,
    webRoot: parts.webRoot,
  });
  // Calls carried by a server process that stopped are ended (their audio and phone line went
  // with it). Alone, this node is the whole system: every unended call is a previous run's.
  const callsOfStoppedNodes = async (
    alive: (ids: string[]) => Promise<Set<string>>,
    unknownStopped: boolean,
  ) => {
    const ended = await calls.endCallsOfStoppedNodes(alive, unknownStopped);
    if (ended) log.warn({ calls: ended }, "ended the calls of a server process that stopped");
    const offline = await directory.forgetStoppedNodes(alive);
    if (offline)
      log.warn({ users: offline }, "users whose sockets were on a stopped server process are offline");
  };
  const presence = config.redisUrl
    ? await NodePresence.start(
        config.redisUrl,
        nodeId,
        parts.presence ?? DEFAULT_PRESENCE,
        (alive) => callsOfStoppedNodes(alive, false),
        log,
      )
    : null;
  // Alone, this node is the whole system: no call or socket of a previous run lives on.
  if (!presence) await callsOfStoppedNodes(async () => new Set(), true);
  return {
    http: server,
    services,
    seeded,
    setupToken,
    async close() {
      stopLegLost?.();
      stopMediaFailed?.();
      quality.close();
      await presence?.close();
      await server.close();
      dispatcher.close();
      calls.close();
      board.close();
      await trunk.close();
      await media?.close();
      await bus.close();
      await database.close();
    },
  };
}
