// Debian's baresip as an independent SIP phone for trunk tests (shared/recipes/baresip-sip.md):
// a config dir per instance, audio from a WAV (aufile), what it hears recorded by sndfile,
// driven over ctrl_tcp (netstring JSON).
import { type ChildProcess, spawn } from "node:child_process";
import { EventEmitter } from "node:events";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { join } from "node:path";

export const hasBaresip = (): boolean => existsSync("/usr/bin/baresip");

export interface BaresipEvent {
  type: string;
  param?: string;
  peeruri?: string;
  id?: string;
}

export class Baresip extends EventEmitter {
  private buf = Buffer.alloc(0);
  private seq = 0;
  private readonly pending = new Map<string, (m: unknown) => void>();
  readonly events: BaresipEvent[] = [];

  private constructor(
    readonly dir: string,
    private readonly proc: ChildProcess,
    private readonly sock: Socket,
  ) {
    super();
    sock.on("data", (d: Buffer) => this.onData(d));
  }

  /** Starts an instance: SIP on 127.0.0.1:sipPort, playing `wav` (8 kHz mono S16LE), answering `users` automatically. */
  static async start(
    dir: string,
    opts: { sipPort: number; ctrlPort: number; rtpPorts: string; wav: string; users: string[] },
  ) {
    mkdirSync(join(dir, "rec"), { recursive: true });
    writeFileSync(
      join(dir, "config"),
      [
        "poll_method epoll",
        `sip_listen 127.0.0.1:${opts.sipPort}`,
        "net_interface 127.0.0.1",
        "call_local_timeout 120",
        "call_max_calls 4",
        `audio_source aufile,${opts.wav}`,
        "audio_buffer 20-160",
        `rtp_ports ${opts.rtpPorts}`,
        "rtcp_mux no",
        "jitter_buffer_delay 0-10",
        "module_path /usr/lib/baresip/modules",
        "module g711.so",
        "module aufile.so",
        "module sndfile.so",
        "module_tmp account.so",
        "module_app menu.so",
        "module_app ctrl_tcp.so",
        `ctrl_tcp_listen 127.0.0.1:${opts.ctrlPort}`,
        `snd_path ${join(dir, "rec")}`,
        "ringback_disabled yes",
        "menu_bell no",
        "statmode_default off",
        "",
      ].join("\n"),
    );
    writeFileSync(
      join(dir, "accounts"),
      opts.users
        .map((u) => `<sip:${u}@127.0.0.1:${opts.sipPort}>;regint=0;answermode=auto;audio_codecs=PCMU,PCMA`)
        .join("\n"),
    );
    writeFileSync(join(dir, "contacts"), "");
    const proc = spawn("baresip", ["-4", "-f", dir], { stdio: ["ignore", "pipe", "pipe"] });
    // Its last output, to say why when it does not start (it is discarded once it runs).
    let output = "";
    const keep = (d: Buffer) => {
      output = (output + d.toString()).slice(-1500);
    };
    proc.stdout.on("data", keep);
    proc.stderr.on("data", keep);
    let sock: Socket | undefined;
    for (let i = 0; i < 100 && !sock && proc.exitCode === null; i++) {
      await new Promise((r) => setTimeout(r, 50));
      sock = await new Promise<Socket | undefined>((resolve) => {
        const s = connect(opts.ctrlPort, "127.0.0.1", () => resolve(s));
        s.once("error", () => resolve(undefined));
      });
    }
    if (!sock) {
      const exited = proc.exitCode !== null ? ` (it exited with ${proc.exitCode})` : "";
      proc.kill("SIGKILL");
      throw new Error(`baresip did not start${exited}; its last output:\n${output}`);
    }
    proc.stdout.off("data", keep).resume();
    proc.stderr.off("data", keep).resume();
    return new Baresip(dir, proc, sock);
  }

  private onData(d: Buffer): void {
    this.buf = Buffer.concat([this.buf, d]);
    for (;;) {
      const colon = this.buf.indexOf(0x3a);
      if (colon < 0) return;
      const len = Number.parseInt(this.buf.subarray(0, colon).toString(), 10);
      if (this.buf.length < colon + 1 + len + 1) return;
      const msg = JSON.parse(this.buf.subarray(colon + 1, colon + 1 + len).toString());
      this.buf = this.buf.subarray(colon + 2 + len);
      if (msg.response) {
        this.pending.get(msg.token)?.(msg);
        this.pending.delete(msg.token);
      } else if (msg.event) {
        this.events.push(msg);
        this.emit("event", msg);
      }
    }
  }

  command(command: string, params?: string): Promise<unknown> {
    const token = String(++this.seq);
    const payload = Buffer.from(
      JSON.stringify(params === undefined ? { command, token } : { command, params, token }),
    );
    this.sock.write(Buffer.concat([Buffer.from(`${payload.length}:`), payload, Buffer.from(",")]));
    return new Promise((resolve) => this.pending.set(token, resolve));
  }

  async waitEvent(type: string, ms = 8000): Promise<BaresipEvent> {
    const deadline = Date.now() + ms;
    for (;;) {
      const e = this.events.find((x) => x.type === type);
      if (e) {
        this.events.splice(this.events.indexOf(e), 1);
        return e;
      }
      if (Date.now() > deadline)
        throw new Error(
          `baresip: no ${type} within ${ms} ms (got ${this.events.map((x) => x.type).join(", ")})`,
        );
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** The newest recording of what this phone received (…-dec.wav). */
  decodedWav(): string | null {
    const rec = join(this.dir, "rec");
    const files = readdirSync(rec)
      .filter((f) => f.endsWith("-dec.wav"))
      .map((f) => join(rec, f))
      .sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs);
    return files.at(-1) ?? null;
  }

  /** Bytes of audio recorded so far in the current …-dec.wav (its header is written at the end). */
  recordedBytes(): number {
    const f = this.decodedWav();
    return f ? Math.max(0, statSync(f).size - 44) : 0;
  }

  async stop(): Promise<void> {
    this.sock.destroy();
    if (this.proc.exitCode !== null) return;
    const exited = new Promise((r) => this.proc.once("exit", r));
    this.proc.kill("SIGTERM");
    const t = setTimeout(() => this.proc.kill("SIGKILL"), 4000);
    await exited;
    clearTimeout(t);
  }
}

/** 16-bit mono samples of a WAV's data between two byte offsets of its data. */
export function wavSamples(file: string, fromByte = 0, toByte = Number.POSITIVE_INFINITY): Int16Array {
  const buf = readFileSync(file);
  const data = buf.subarray(44 + (fromByte & ~1), Math.min(buf.length, 44 + (toByte & ~1)));
  return new Int16Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.length));
}

/** A tone WAV in baresip's aufile format: 8 kHz mono S16LE. */
export function writeUlawRateWav(path: string, freqHz: number, seconds: number): void {
  const n = seconds * 8000;
  const data = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++)
    data.writeInt16LE(Math.round(12000 * Math.sin((2 * Math.PI * freqHz * i) / 8000)), i * 2);
  const h = Buffer.alloc(44);
  h.write("RIFF", 0);
  h.writeUInt32LE(36 + data.length, 4);
  h.write("WAVEfmt ", 8);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(8000, 24);
  h.writeUInt32LE(16000, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write("data", 36);
  h.writeUInt32LE(data.length, 40);
  writeFileSync(path, Buffer.concat([h, data]));
}

/** Fails (never skips) a suite that needs the baresip phone, saying what to install. */
export function requireBaresip(): void {
  if (!hasBaresip()) {
    throw new Error(
      "these tests need baresip: apt-get install baresip-core (or run npm test as root: scripts/system-deps.sh)",
    );
  }
}
