/**
 * Realtime fan-out. Every socket belongs to one user and subscribes to that user's topics
 * (core/permissions.ts `userTopics`): its channels, teams, itself. An op reaches the sockets
 * subscribed to any topic of its audience, once each.
 *
 * Resume (docs/DESIGN.md "Clients"): a socket receives nothing until it sends
 * `resume {since}`. The hub then replays the local feed after `since`, keeping only entries
 * whose topics the user holds now, and only when the replay has caught up does the socket go
 * live. Each socket remembers the last feed sequence it was sent, so nothing is sent twice and
 * nothing is skipped: the feed is written before any op is published, and all of this runs on
 * one thread. A replay presents each post as it is now (replay-frame.ts), not as its op said.
 *
 * A replay must not hold the event loop: a guest sending a thousand `resume {since:0}` froze
 * everyone for seconds when each frame replayed at once. So a socket has at most one replay,
 * and a new resume only moves where it starts; the replay runs a page per turn of the event
 * loop (setImmediate, after pending I/O), and waits for `drain` when the socket's buffer is full.
 *
 * A socket that cannot keep up is closed rather than silently dropped from (uWS is set to
 * close on its backpressure limit); the client reconnects and resumes where it was.
 */
import type { WebSocket } from 'uWebSockets.js';
import type { Db } from '../store/database.js';
import type { FeedEntry } from '../core/commit.js';
import { topic } from '../core/op.js';
import { findUser, userTopics } from '../core/permissions.js';
import type { UserRow } from '../store/read/users.js';
import { canSeeUser } from '../store/read/users.js';
import { eventFrame } from './events.js';
import { replayFrame } from './replay-frame.js';
import type { TokenBucket } from '../http/rate-limit.js';
import { feedAfter, lastFeedSeq } from '../store/op-log.js';

export interface SocketState {
  readonly userId: string;
  readonly sessionId: string;
  /** The network address it came from, for the per-address cap. */
  readonly address: string;
  /** Frames it may still send (socketFramesPerSecond). */
  readonly frames: TokenBucket;
  topics: Set<string>;
  /** The highest feed sequence sent, or -1 before resume. */
  lastFeedSeq: number;
  live: boolean;
  lastTypingAt: number;
  /** A page of its replay is due on a later turn of the event loop. */
  replayQueued: boolean;
  /** Counted in the hub (refused sockets never are). */
  attached: boolean;
  closed: boolean;
}

export type Socket = WebSocket<SocketState>;

// One page per turn of the event loop: a few milliseconds of work at most.
const REPLAY_PAGE = 200;
// Keep replay pages flowing while the kernel buffer drains; past this, wait for `drain`.
const REPLAY_BUFFER_LIMIT = 256 * 1024;

export const CLOSE_DEACTIVATED = 4001;
export const CLOSE_SESSION_ENDED = 4002;
export const CLOSE_TOO_MANY_SOCKETS = 4003;
export const CLOSE_SHUTDOWN = 1001;

export interface SocketCaps {
  readonly perUser: number;
  readonly perAddress: number;
}

export class Hub {
  private readonly byTopic = new Map<string, Set<Socket>>();
  private readonly byUser = new Map<string, Set<Socket>>();
  private readonly byAddress = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly caps: SocketCaps = { perUser: Infinity, perAddress: Infinity },
  ) {}

  get connectionCount(): number {
    let count = 0;
    for (const sockets of this.byUser.values()) count += sockets.size;
    return count;
  }

  /** Who is online, as this socket's user may know it: guests learn only of people they share a channel with. */
  onlineSeenBy(socket: Socket): string[] {
    const online = [...this.byUser.keys()];
    const viewer = this.guestViewer(socket);
    return viewer ? online.filter((userId) => canSeeUser(this.db, viewer, userId)) : online;
  }

  /** Tells who may know of the user (as onlineSeenBy) that it came online or went offline. */
  announcePresence(userId: string, status: 'online' | 'offline', except?: Socket): void {
    const frame = JSON.stringify({ type: 'presence', userId, status });
    for (const sockets of this.byUser.values()) {
      for (const socket of sockets) {
        if (socket === except || !socket.getUserData().live) continue;
        const viewer = this.guestViewer(socket);
        if (!viewer || canSeeUser(this.db, viewer, userId)) socket.send(frame);
      }
    }
  }

  /** The socket's user when it is a guest (its topics lack `members`), for the per-person check. */
  private guestViewer(socket: Socket): UserRow | undefined {
    const state = socket.getUserData();
    return state.topics.has(topic.members) ? undefined : findUser(this.db, state.userId);
  }

  currentFeedSeq(): number {
    return lastFeedSeq(this.db);
  }

  /** Why a new socket may not join: its account or its address holds as many as allowed. */
  refusal(socket: Socket): string | undefined {
    const state = socket.getUserData();
    if ((this.byUser.get(state.userId)?.size ?? 0) >= this.caps.perUser) return 'too many connections for this account';
    if ((this.byAddress.get(state.address) ?? 0) >= this.caps.perAddress) return 'too many connections from this address';
    return undefined;
  }

  /** Returns true when this is the user's first socket (the user came online). */
  attach(socket: Socket): boolean {
    const state = socket.getUserData();
    state.attached = true;
    const user = findUser(this.db, state.userId);
    state.topics = user ? userTopics(this.db, user) : new Set();
    for (const name of state.topics) this.join(name, socket);
    const sockets = this.byUser.get(state.userId) ?? new Set();
    this.byUser.set(state.userId, sockets);
    sockets.add(socket);
    this.byAddress.set(state.address, (this.byAddress.get(state.address) ?? 0) + 1);
    return sockets.size === 1;
  }

  /** Returns true when this was the user's last socket (the user went offline). */
  detach(socket: Socket): boolean {
    const state = socket.getUserData();
    state.closed = true;
    if (!state.attached) return false;
    for (const name of state.topics) this.leave(name, socket);
    const left = (this.byAddress.get(state.address) ?? 1) - 1;
    if (left > 0) this.byAddress.set(state.address, left);
    else this.byAddress.delete(state.address);
    const sockets = this.byUser.get(state.userId);
    sockets?.delete(socket);
    if (sockets && sockets.size === 0) {
      this.byUser.delete(state.userId);
      return true;
    }
    return false;
  }

  /** Starts the socket's replay after `since`, or moves the one under way: there is never more than one. */
  resume(socket: Socket, since: number): void {
    const state = socket.getUserData();
    state.lastFeedSeq = since;
    state.live = false;
    this.queueReplay(socket);
  }

  private queueReplay(socket: Socket): void {
    const state = socket.getUserData();
    if (state.replayQueued) return;
    state.replayQueued = true;
    setImmediate(() => {
      state.replayQueued = false;
      this.pump(socket);
    });
  }

  /** Sends one page of a replay and queues the next; called again from the socket's `drain` handler. */
  pump(socket: Socket): void {
    const state = socket.getUserData();
    if (state.closed || state.live || socket.getBufferedAmount() >= REPLAY_BUFFER_LIMIT) return;
    const entries = feedAfter(this.db, state.lastFeedSeq, REPLAY_PAGE);
    if (entries.length === 0) {
      state.live = true;
      socket.send(JSON.stringify({ type: 'resumed', feedSeq: state.lastFeedSeq }));
      return;
    }
    socket.cork(() => {
      for (const entry of entries) {
        // A page of long posts is megabytes, past maxBackpressure (uWS would close the socket,
        // and every resume would fail the same way): stop mid-page, `drain` picks up from here.
        if (socket.getBufferedAmount() >= REPLAY_BUFFER_LIMIT) break;
        if (entry.topics.some((name) => state.topics.has(name))) socket.send(replayFrame(this.db, entry.feedSeq, entry.op));
        state.lastFeedSeq = entry.feedSeq;
      }
    });
    if (socket.getBufferedAmount() < REPLAY_BUFFER_LIMIT) this.queueReplay(socket);
  }

  publish(entries: readonly FeedEntry[]): void {
    // A batch is one group commit: each socket gets all of its frames in one corked write rather
    // than a syscall per frame, which is most of the cost of fan-out under load.
    const outgoing = new Map<Socket, Buffer[]>();
    for (const entry of entries) {
      // Encoded to UTF-8 once: uWS would encode a string again for every socket it is sent to.
      const frame = Buffer.from(eventFrame(entry.feedSeq, entry.op));
      for (const socket of this.audience(entry.topics)) {
        const state = socket.getUserData();
        if (!state.live || state.closed || entry.feedSeq <= state.lastFeedSeq) continue;
        state.lastFeedSeq = entry.feedSeq;
        const frames = outgoing.get(socket);
        if (frames) frames.push(frame);
        else outgoing.set(socket, [frame]);
      }
      // An op addressed to a user may have changed what that user can see.
      for (const name of entry.topics) if (name.startsWith('user:')) this.refresh(name.slice(5));
    }
    for (const [socket, frames] of outgoing) {
      // refresh() above may have closed it (a deactivated account).
      if (!socket.getUserData().closed) socket.cork(() => frames.forEach((frame) => socket.send(frame)));
    }
  }

  /** Sends an ephemeral frame (typing, presence) to a topic's sockets, except one. */
  broadcast(topicName: string, frame: string, except?: Socket): void {
    for (const socket of this.byTopic.get(topicName) ?? []) {
      if (socket !== except && socket.getUserData().live) socket.send(frame);
    }
  }

  /** Re-reads a user's topics after a change of membership, role or status; a deactivated user's sockets close. */
  refresh(userId: string): void {
    const sockets = this.byUser.get(userId);
    if (!sockets) return;
    const user = findUser(this.db, userId);
    if (!user || user.active !== 1) {
      for (const socket of [...sockets]) socket.end(CLOSE_DEACTIVATED, 'account deactivated');
      return;
    }
    const topics = userTopics(this.db, user);
    for (const socket of sockets) {
      const state = socket.getUserData();
      for (const name of state.topics) if (!topics.has(name)) this.leave(name, socket);
      for (const name of topics) if (!state.topics.has(name)) this.join(name, socket);
      state.topics = new Set(topics);
    }
  }

  /** Closes (4002) the user's sockets whose session has ended. */
  closeSessions(userId: string, ended: (sessionId: string) => boolean): void {
    for (const socket of [...(this.byUser.get(userId) ?? [])])
      if (ended(socket.getUserData().sessionId)) socket.end(CLOSE_SESSION_ENDED, 'session ended');
  }

  closeAll(code: number, reason: string): void {
    for (const sockets of [...this.byUser.values()]) for (const socket of [...sockets]) socket.end(code, reason);
  }

  private audience(topics: readonly string[]): Set<Socket> {
    if (topics.length === 1) return this.byTopic.get(topics[0]!) ?? new Set();
    const sockets = new Set<Socket>();
    for (const name of topics) for (const socket of this.byTopic.get(name) ?? []) sockets.add(socket);
    return sockets;
  }

  private join(name: string, socket: Socket): void {
    const sockets = this.byTopic.get(name) ?? new Set();
    this.byTopic.set(name, sockets);
    sockets.add(socket);
  }

  private leave(name: string, socket: Socket): void {
    const sockets = this.byTopic.get(name);
    sockets?.delete(socket);
    if (sockets?.size === 0) this.byTopic.delete(name);
  }
}
