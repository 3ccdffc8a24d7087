/**
 * The WebSocket to the box, resumed without losing or repeating an event (docs/API.md):
 * the server says hello, the client answers `resume {since}` with the feed sequence of the last
 * event it applied, the server replays what was missed and says `resumed`, then streams live
 * events. `reset` (the box was restored from a backup) means: reload state over REST.
 * When the socket drops, it reconnects with a growing, jittered delay (at once when the
 * browser reports it is back online), and resumes from where it was.
 */
import type { ServerEvent } from '../types';

export interface SocketHandlers {
  /** The feed sequence to resume from; undefined on a first start (start from hello's). */
  since(): number | undefined;
  event(feedSeq: number, event: ServerEvent): void;
  /** The box's feed no longer contains `since`: state must be reloaded. */
  reset(feedSeq: number): Promise<void>;
  typing(channelId: string, rootId: string | null, userId: string): void;
  presence(userId: string, online: boolean, everyone?: string[]): void;
  /** The user marked the channel read, on this device or another one, on this box. */
  read(channelId: string): void;
  /** Connected (with the feed sequence the resume reached), or not. */
  status(connected: boolean, feedSeq?: number): void;
  /** The session is over (logged out elsewhere, deactivated): do not reconnect. */
  ended(): void;
  /**
   * The socket closed before the server said hello. The box may be away, or the session may
   * have ended while the socket was down: the upgrade then answers 401, which browsers hide.
   */
  refused(): void;
}

const MAX_DELAY_MS = 15_000;
const PING_MS = 25_000;
// 4001 deactivated, 4002 session ended (docs/API.md): reconnecting cannot help.
const FINAL_CLOSE_CODES = new Set([4001, 4002]);

export class Realtime {
  private socket: WebSocket | undefined;
  private attempts = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private stopped = false;

  constructor(private readonly handlers: SocketHandlers) {
    addEventListener('online', () => this.reconnectNow());
    // A socket whose network is gone can stay "open" until a ping fails: say so at once.
    addEventListener('offline', () => this.socket?.close());
  }

  start(): void {
    this.stopped = false;
    this.open();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.socket?.close();
  }

  reconnectNow(): void {
    if (this.stopped || this.socket?.readyState === WebSocket.OPEN) return;
    clearTimeout(this.retryTimer);
    this.attempts = 0;
    this.open();
  }

  send(frame: object): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(frame));
  }

  private open(): void {
    this.socket?.close();
    const socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/ws`);
    this.socket = socket;
    // Frames are handled one after another: a reset reloads state before later events apply.
    let queue = Promise.resolve();
    let greeted = false;
    socket.onmessage = (message) => {
      greeted = true;
      queue = queue.then(() => this.receive(socket, JSON.parse(String(message.data)))).catch((error: unknown) => console.error(error));
    };
    socket.onclose = (close) => {
      if (this.socket !== socket) return;
      clearInterval(this.pingTimer);
      this.handlers.status(false);
      if (FINAL_CLOSE_CODES.has(close.code)) return this.handlers.ended();
      if (this.stopped) return;
      if (!greeted) this.handlers.refused();
      const delay = Math.min(MAX_DELAY_MS, 500 * 2 ** this.attempts++) * (0.5 + Math.random() / 2);
      this.retryTimer = setTimeout(() => this.open(), delay);
    };
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a frame's fields depend on its type, read case by case below
  private async receive(socket: WebSocket, frame: Record<string, any>): Promise<void> {
    switch (frame.type) {
      case 'hello':
        this.handlers.presence('', true, frame.online as string[]);
        socket.send(JSON.stringify({ type: 'resume', since: this.handlers.since() ?? frame.feedSeq }));
        socket.send(JSON.stringify({ type: 'clock', now: Date.now() }));
        return;
      case 'resumed':
        this.attempts = 0;
        clearInterval(this.pingTimer);
        this.pingTimer = setInterval(() => this.send({ type: 'ping' }), PING_MS);
        this.handlers.status(true, frame.feedSeq as number);
        return;
      case 'reset':
        // `resumed` follows, which reports the connection.
        await this.handlers.reset(frame.feedSeq as number);
        return;
      case 'event':
        this.handlers.event(frame.feedSeq as number, frame.event as ServerEvent);
        return;
      case 'typing':
        this.handlers.typing(frame.channelId, frame.rootId ?? null, frame.userId);
        return;
      case 'presence':
        this.handlers.presence(frame.userId, frame.status === 'online');
        return;
      case 'read':
        this.handlers.read(frame.channelId as string);
        return;
    }
  }
}
