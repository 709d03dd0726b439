// A media worker (worker_threads): one MediaPlane of its own, driven by the main thread's
// messages (protocol.ts) in order, its events posted back. Every leg of a call placed here lives
// here: its sockets, ICE, DTLS and SRTP, so no packet crosses threads.
import { parentPort, workerData } from "node:worker_threads";
import { RTCCertificate } from "werift";
import type { RtpParty, TrunkMedia } from "../../control/mediaPorts.ts";
import type { Logger } from "../../control/ports.ts";
import type { Party } from "../../control/routing.ts";
import { runCommand } from "../commands.ts";
import { LoopDelay, type LoopDelayWindow } from "../loopDelay.ts";
import { MediaError } from "../MediaTypes.ts";
import { MediaPlane } from "../plane.ts";
import type { FromWorker, ToWorker, WireError, WorkerInit } from "./protocol.ts";

const port = parentPort;
if (!port) throw new Error("host.ts runs in a media worker");
const init = workerData as WorkerInit;
const post = (m: FromWorker) => port.postMessage(m);

const level =
  (l: "debug" | "info" | "warn" | "error") =>
  (fields: Record<string, unknown>, msg: string): void =>
    post({ kind: "log", level: l, fields, msg });
const log: Logger = {
  debug: level("debug"),
  info: level("info"),
  warn: level("warn"),
  error: level("error"),
};

const { privateKeyPem, certPem, signatureHash } = init.certificate;
const plane = await MediaPlane.create({
  ...init.options,
  certificate: new RTCCertificate(privateKeyPem, certPem, signatureHash),
  log,
});
const { node } = plane;
const rtp = new Map<number, { callId: string; leg: RtpParty }>();
const trunkMedia = new Map<string, TrunkMedia>();
const probes = new Map<number, { close(reason: "socket_closed"): void }>();
/** Counters of the calls that closed here (the live ones are read from their calls). */
const closedTotals = { packetsIn: 0, packetsOut: 0, packetsDropped: 0 };

// How late this thread's loop runs (its forwarding's stall): the last complete second goes with
// each heartbeat; the main thread may also open windows of its own (a bench's measurement).
const delay = new LoopDelay();
let second = delay.window();
let lastSecond = second.read();
setInterval(() => {
  lastSecond = second.close();
  second = delay.window();
}, 1000).unref();
const delayWindows = new Map<number, LoopDelayWindow>();
let nextWindow = 1;

const wire = (err: unknown): WireError => {
  const e = err instanceof Error ? err : new Error(String(err));
  return e instanceof MediaError
    ? { name: e.name, message: e.message, code: e.code, reason: e.reason }
    : { name: e.name, message: e.message };
};

/** Tells the main thread a call's live legs after anything that may have changed them. */
function reportLegs(callId: string): void {
  const call = node.getCall(callId);
  const legs: [string, Party][] = [];
  for (const party of ["customer", "agent", "coach"] as const) {
    const leg = call && !call.closed ? call.leg(party) : undefined;
    if (leg) legs.push([leg.legId, party]);
  }
  post({ kind: "legs", callId, legs });
}

plane.onLegClose((callId, legId, reason, party) => {
  post({ kind: "legclose", callId, legId, reason, party });
  reportLegs(callId);
});
plane.onLegCandidate((callId, legId, candidate) => post({ kind: "legcandidate", callId, legId, candidate }));
plane.onQuality((callId, quality) => post({ kind: "quality", callId, quality }));
node.on("callclose", (callId) => {
  for (const [id, party] of rtp) if (party.callId === callId) rtp.delete(id);
  post({ kind: "callclose", callId });
});

function load() {
  let legs = 0;
  const totals = { ...closedTotals };
  for (const call of node.calls()) {
    for (const party of ["customer", "agent", "coach"] as const) if (call.leg(party)) legs++;
    const s = call.stats;
    totals.packetsIn += s.packetsIn;
    totals.packetsOut += s.packetsOut;
    totals.packetsDropped += s.packetsDropped;
  }
  return { calls: node.callCount, legs, ...totals, loopDelayMs: lastSecond };
}

/** A request's answer, or its refusal, back to the main thread. */
function answer(id: number, work: () => Promise<unknown> | undefined): void {
  Promise.resolve()
    .then(work)
    .then(
      (value) => post({ kind: "reply", id, ok: true, value }),
      (err: unknown) => post({ kind: "reply", id, ok: false, error: wire(err) }),
    );
}

function openRtp(m: Extract<ToWorker, { kind: "rtp.open" }>) {
  answer(m.id, async () => {
    const key = `${m.range.address}:${m.range.portMin}-${m.range.portMax}`;
    const parties = trunkMedia.get(key) ?? plane.rtpParties(m.range);
    trunkMedia.set(key, parties); // one per range: its ports are tried in turn
    const leg = await parties.openRtpParty(m.callId, m.party, {
      remote: m.remote,
      latchFrom: m.latchFrom,
      payloadType: m.payloadType,
      onDtmf: () => post({ kind: "rtp.event", rtpId: m.rtpId, event: "dtmf", stats: { ...leg.stats } }),
      onForeignSource: (source) =>
        post({ kind: "rtp.event", rtpId: m.rtpId, event: "foreign", source, stats: { ...leg.stats } }),
    });
    rtp.set(m.rtpId, { callId: m.callId, leg });
    reportLegs(m.callId);
    return { port: leg.port };
  });
}

function onMessage(m: ToWorker): void {
  switch (m.kind) {
    case "command": {
      const { command } = m;
      if (command.op === "closeCall") {
        const s = node.getCall(command.callId)?.stats;
        if (s)
          for (const k of ["packetsIn", "packetsOut", "packetsDropped"] as const) closedTotals[k] += s[k];
      }
      runCommand(plane, command, log);
      if (command.op === "attachSynthetic") reportLegs(command.callId);
      return;
    }
    case "request":
      answer(m.id, async () => {
        const result = await (m.command.op === "addCandidate"
          ? plane.addCandidate(m.command.callId, m.command.legId, m.command.candidate)
          : runCommand(plane, m.command, log));
        reportLegs(m.command.callId);
        return result;
      });
      return;
    case "rtp.open":
      openRtp(m);
      return;
    case "rtp": {
      const leg = rtp.get(m.rtpId)?.leg;
      if (!leg) return;
      if (m.op === "answered") leg.answered();
      else if (m.op === "retarget") leg.retarget(m.remote);
      else if (m.op === "payloadType") leg.payloadType = m.payloadType;
      else {
        rtp.delete(m.rtpId);
        leg.close(m.reason);
      }
      return;
    }
    case "probe":
      answer(m.id, async () => {
        const { probe, answerSdp } = await plane.probe(m.offerSdp, (_p, reason) => {
          probes.delete(m.probeId);
          post({ kind: "probe.closed", probeId: m.probeId, reason });
        });
        probes.set(m.probeId, probe);
        return { answerSdp };
      });
      return;
    case "probe.close":
      probes.get(m.probeId)?.close("socket_closed");
      return;
    case "ping":
      // The trunk's RTP counters follow each heartbeat (tests and diagnostics read them).
      if (rtp.size > 0)
        post({ kind: "rtp.stats", stats: [...rtp].map(([id, p]) => [id, { ...p.leg.stats }]) });
      post({ kind: "pong", seq: m.seq, load: load() });
      return;
    case "inspect":
      answer(m.id, () => plane.inspect(m.callId));
      return;
    case "loopDelay":
      answer(m.id, async () => {
        if (m.op === "open") {
          delayWindows.set(nextWindow, delay.window());
          return nextWindow++;
        }
        const w = delayWindows.get(m.window);
        delayWindows.delete(m.window);
        if (!w) throw new Error(`no loop-delay window ${m.window}`);
        return w.close();
      });
      return;
    case "close":
      delay.stop();
      plane.close().then(() => post({ kind: "closed" }));
      return;
  }
}

port.on("message", onMessage);
post({ kind: "ready" });
