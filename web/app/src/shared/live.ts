// One WebSocket per tab: server events (calls, users, coaching) and media signalling.
// Keeps the live lists the panels show. Each call event carries this viewer's grants on the call
// (the hub computes them, control/delivery.ts), so the lists are read again only when what the
// events cannot say changed (needsRefetch).
import type { ClientMessage, ServerMessage } from "../../../../src/protocol/messages.ts";
import type { Call, PhoneNumber, User } from "../../../../src/protocol/resources.ts";
import type { LiveStats } from "../../../../src/protocol/stats.ts";
import { ok, rest, session, wsUrl } from "./api.ts";
import { applyEvent, keepSame, keepSameList, needsRefetch, settle } from "./liveMerge.ts";
import { type ClientRequest, sendMessage, sendRequest } from "./socket.ts";

export interface LiveState {
  me: User | null;
  users: User[];
  calls: Call[];
  numbers: PhoneNumber[];
  /** The live board (monitors only): null until a board asked for it (`watchStats`). */
  stats: LiveStats | null;
  connected: boolean;
}

type Listener = (m: ServerMessage) => void;

/** Dispatched on window when the server ends this tab's session (its socket closes with 4401). */
export const SIGNED_OUT = "earshot:signed-out";

/** How long start() waits for the socket's greeting before it reads the lists anyway. */
const FIRST_HELLO_WAIT_MS = 3000;

export class Live {
  state: LiveState = { me: null, users: [], calls: [], numbers: [], stats: null, connected: false };
  private socket: WebSocket | null = null;
  private readonly listeners = new Set<Listener>();
  private readonly changeListeners = new Set<() => void>();
  private readonly pending = new Map<string, (m: ServerMessage) => void>();
  private refetchTimer: ReturnType<typeof setTimeout> | null = null;
  /** The events that arrived since each refetch on its way was asked (liveMerge.settle). */
  private readonly inFlight = new Set<ServerMessage[]>();
  private closed = false;
  /** While start() waits for the first socket's hello: tells it the hello came. */
  private firstHello: (() => void) | null = null;
  /** How many boards show the stats: while any does, a reconnect reloads them. */
  private statsWatchers = 0;

  constructor(private readonly query: string) {}

  /** The widget customer's call token, when this is a widget's channel. */
  get callToken(): string | undefined {
    return new URLSearchParams(this.query).get("callToken") ?? undefined;
  }

  /**
   * Opens the socket, then reads the lists once, after its greeting: from the hello on, the
   * socket gets every event, so none falls between the read and the socket (reading first,
   * then greeting, read everything twice). A socket that has not greeted within
   * FIRST_HELLO_WAIT_MS does not keep the page empty: the lists are read then, and read again
   * when its hello comes.
   */
  async start(): Promise<void> {
    if (this.query.startsWith("callToken")) return this.connect();
    const greeted = new Promise<void>((resolve) => {
      this.firstHello = resolve;
    });
    this.connect();
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([greeted, new Promise((r) => (timer = setTimeout(r, FIRST_HELLO_WAIT_MS)))]);
    clearTimeout(timer);
    this.firstHello = null;
    // Closed meanwhile (StrictMode's first mount closes its store at once): nothing to read for.
    if (!this.closed) await this.refetch();
  }

  private connect(): void {
    if (this.closed) return;
    const socket = new WebSocket(wsUrl(this.query));
    this.socket = socket;
    socket.onopen = () => this.set({ connected: true });
    socket.onclose = (e) => {
      this.set({ connected: false });
      if (e.code === 4401 && !this.callToken) {
        // The token is revoked or expired: reconnecting cannot help; the tab signs out.
        this.closed = true;
        session.token = null;
        window.dispatchEvent(new Event(SIGNED_OUT));
      }
      if (!this.closed) setTimeout(() => this.connect(), 1000);
    };
    socket.onmessage = (e) => {
      const m = JSON.parse(String(e.data)) as ServerMessage;
      const waiter = "requestId" in m && m.requestId ? this.pending.get(m.requestId) : undefined;
      if (waiter && "requestId" in m && m.requestId) {
        this.pending.delete(m.requestId);
        waiter(m);
      }
      this.apply(m);
      for (const l of this.listeners) l(m);
    };
  }

  private apply(m: ServerMessage): void {
    if (m.type === "hello") {
      // The server's greeting: this socket gets every event from now on. What happened before it
      // (between the first read and the socket, or while it was closed) is read again; events
      // that arrive meanwhile are applied on top (settle). The first is start()'s to read after.
      if (this.firstHello) this.firstHello();
      else this.scheduleRefetch();
      if (this.statsWatchers > 0) void this.loadStats();
      return;
    }
    if (m.type === "stats.updated") {
      // At most once a second per org: replaces the board in place, no refetch.
      if (m.stats.at >= (this.state.stats?.at ?? "")) this.set({ stats: m.stats });
      return;
    }
    const lists = { me: this.state.me, users: this.state.users, calls: this.state.calls };
    const next = applyEvent(lists, m);
    const refetch = needsRefetch(lists, m);
    if (next !== lists) this.set(next);
    // A refetch on its way may have been answered before this event: it is applied on top.
    for (const log of this.inFlight) log.push(m);
    if (refetch) this.scheduleRefetch();
  }

  private scheduleRefetch(): void {
    if (this.query.startsWith("callToken")) return;
    if (this.refetchTimer) clearTimeout(this.refetchTimer);
    this.refetchTimer = setTimeout(
      () =>
        void this.refetch().catch((e: unknown) =>
          console.warn("earshot: refetch failed; the next event retries", e),
        ),
      80,
    );
  }

  async refetch(): Promise<void> {
    const since: ServerMessage[] = [];
    this.inFlight.add(since);
    try {
      const [me, users, calls, numbers] = await Promise.all([
        ok(rest.GET("/api/v1/me")),
        ok(rest.GET("/api/v1/users")),
        ok(rest.GET("/api/v1/calls", { params: { query: { live: "true" } } })),
        ok(rest.GET("/api/v1/numbers")),
      ]);
      const answer = { me: me.user, users: users.users, calls: calls.calls };
      const shown = { me: this.state.me, users: this.state.users, calls: this.state.calls };
      this.set({
        ...keepSame(shown, settle(answer, since)),
        numbers: keepSameList(this.state.numbers, numbers.numbers),
      });
    } finally {
      this.inFlight.delete(since);
    }
  }

  /**
   * A board is shown: reads GET /stats/live now (stats.updated keeps it current after) and
   * again on every reconnect until the returned function says the board is gone.
   */
  watchStats(): () => void {
    this.statsWatchers++;
    void this.loadStats();
    return () => {
      this.statsWatchers--;
    };
  }

  private async loadStats(): Promise<void> {
    try {
      const stats = await ok(rest.GET("/api/v1/stats/live"));
      if (stats.at >= (this.state.stats?.at ?? "")) this.set({ stats });
    } catch (e) {
      console.warn("earshot: could not read the live board; the next push brings it", e);
    }
  }

  /** Sends a signalling request and resolves with the reply carrying its requestId. */
  request(msg: ClientRequest): Promise<ServerMessage> {
    return new Promise((resolve, reject) => {
      if (!this.socket || this.socket.readyState !== WebSocket.OPEN) {
        reject(new Error("not connected"));
        return;
      }
      this.pending.set(sendRequest(this.socket, msg), resolve);
    });
  }

  send(msg: ClientMessage): void {
    if (this.socket?.readyState === WebSocket.OPEN) sendMessage(this.socket, msg);
  }

  /** Resolves when the socket is open. */
  async ready(): Promise<void> {
    for (let i = 0; i < 100 && this.socket?.readyState !== WebSocket.OPEN; i++)
      await new Promise((r) => setTimeout(r, 50));
  }

  on(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  onChange(l: () => void): () => void {
    this.changeListeners.add(l);
    return () => this.changeListeners.delete(l);
  }

  private set(patch: Partial<LiveState>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.changeListeners) l();
  }

  close(): void {
    this.closed = true;
    this.firstHello?.();
    this.socket?.close();
  }
}
