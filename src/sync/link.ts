/**
 * One live link with one paired box (docs/PROTOCOL.md "A link"): both directions over one
 * mutual-TLS connection, whichever box dialled. The peer's key has been checked against its
 * pin before this is made (sync/sync-service.ts); nothing here reads a byte before that.
 *
 * A round: each side sends HELLO and its version vector at once. Each side then streams the
 * ops the other lacks, in its own feed order, a frame at a time, up to WINDOW frames ahead of
 * the acknowledgements. The receiver proves a frame's ops (sync/intake.ts), applies them in one
 * transaction, and acknowledges with its new vector. Nothing else is remembered: the
 * receiver's op log is the checkpoint, and after a cut the next link starts again from the
 * vectors, losing at most the frames in flight. Then the link stays open: every commit on this
 * box pushes at once what the peer lacks, and a vector every HEARTBEAT_MS proves the peer
 * alive (a silent peer is dropped after SILENCE_MS).
 *
 * Any bad input (a frame that does not decode, a message that fails its schema, a wrong
 * protocol version, an op that fails its kind's schema or its signature) closes this link
 * with one log line and applies nothing of that frame; other links and the crew's clients
 * never notice.
 */
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { performance } from 'node:perf_hooks';
import type { KeyObject } from 'node:crypto';
import type { Log } from '../log.js';
import { FrameDecoder, FrameEncoder, MAX_MESSAGE } from './frame-codec.js';
import { signHead, type OriginKeys } from './head-signatures.js';
import type { IntakeQueue } from './intake.js';
import {
  asLinkMessage,
  CAPABILITIES,
  asHandshake,
  packOps,
  PROTOCOL_VERSION,
  ProtocolError,
  type OpsFrame,
  type OriginRecordTuple,
} from './messages.js';
import type { Fork, OpStore, Vector, WireOp } from './op-store.js';
import type { Peer } from './peers.js';

export const HEARTBEAT_MS = 10_000;
export const SILENCE_MS = 25_000;
const WINDOW = 4;
// Room under MAX_MESSAGE for the frame's heads, origin records and MessagePack overhead.
const FRAME_BUDGET = MAX_MESSAGE - 8 * 1024;
const PAGE = 2000;

export type LinkState = 'connecting' | 'open' | 'closed';

export interface LinkContext {
  readonly store: OpStore;
  readonly keys: OriginKeys;
  readonly origin: string;
  /** This box's origin record, signed by its own key (never the one held, which a copied database may carry). */
  readonly ownRecord: OriginRecordTuple;
  readonly nodeId: string;
  readonly boxName: string;
  readonly privateKey: KeyObject;
  readonly log: Log;
  /** This box's idea of now, sent in its HELLO. */
  readonly now: () => number;
  /** The peer's clock as its HELLO gave it (core/box-time.ts `hearPeer`). */
  readonly onPeerClock: (ms: number) => void;
  /** Called on contact with the peer: its vector (if new) and the raw bytes since the last call. */
  readonly onContact: (vector: Vector | undefined, sent: number, received: number) => void;
  readonly onClose: (reason: string) => void;
}

export class Link {
  state: LinkState = 'connecting';
  peerVector: Vector | undefined;
  readonly openedAt = Date.now();
  private readonly encoder = new FrameEncoder();
  private readonly decoder: FrameDecoder;
  /** What the peer holds once the frames sent so far are applied: where the next frame starts. */
  private sent: Vector = {};
  /** Ops read for the peer that the last frame had no room for: the next frame starts with them. */
  private unsent: WireOp[] = [];
  private peerForked = new Set<string>();
  private recordsSent = new Set<string>();
  private inFlight = 0;
  private frameNumber = 0;
  private pumping = false;
  private helloReceived = false;
  private lastHeard = performance.now();
  private countedWritten = 0;
  private countedRead = 0;
  private readonly timer: NodeJS.Timeout;
  private closeReason = '';

  constructor(
    readonly peer: Peer,
    readonly role: 'dialer' | 'listener',
    private readonly socket: TLSSocket,
    private readonly raw: Socket,
    private readonly intake: IntakeQueue,
    private readonly context: LinkContext,
  ) {
    this.decoder = new FrameDecoder(
      (message) => this.receive(message),
      (error) => this.close(`bad input: ${error.message}`, 'warn'),
    );
    socket.on('data', (bytes: Buffer) => {
      this.lastHeard = performance.now();
      this.decoder.push(bytes);
    });
    socket.on('drain', () => this.pump());
    // A half-closed connection ends the link too: the protocol has no use for one direction alone.
    socket.on('end', () => this.close('the peer hung up'));
    socket.on('close', () => this.close('connection closed'));
    socket.on('error', (error) => this.close(`connection error: ${error.message}`));
    this.timer = setInterval(() => this.heartbeat(), HEARTBEAT_MS / 2);
    this.timer.unref();
    void this.send({
      t: 'hello',
      v: PROTOCOL_VERSION,
      node: context.nodeId,
      name: context.boxName,
      caps: [...CAPABILITIES],
      now: Math.floor(context.now() / 1000),
    });
    this.sendVector(true);
  }

  /** Raw TCP bytes (TLS included) each way since the link began. */
  get bytes(): { sent: number; received: number } {
    return { sent: this.raw.bytesWritten, received: this.raw.bytesRead };
  }

  /** Adds the bytes so far to the peer's counters (the status reads them from there). */
  countBytes(): void {
    if (this.state !== 'closed') this.reportBytes(undefined);
  }

  /** Something was committed here: push what the peer lacks. */
  wake(): void {
    this.pump();
  }

  close(reason: string, level: 'info' | 'warn' = 'info'): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.closeReason = reason;
    clearInterval(this.timer);
    this.socket.destroy();
    this.raw.destroy();
    this.decoder.close();
    this.encoder.close();
    this.context.log[level]({ peer: this.peer.name, nodeId: this.peer.nodeId }, `sync: link with ${this.peer.name} closed: ${reason}`);
    this.reportBytes(undefined);
    this.context.onClose(reason);
  }

  get reason(): string {
    return this.closeReason;
  }

  private async receive(raw: unknown): Promise<void> {
    if (this.state === 'closed') return;
    if (!this.helloReceived) {
      const hello = asHandshake(raw);
      if (hello.t !== 'hello') throw new ProtocolError(`expected hello, got ${hello.t}`);
      if (hello.v !== PROTOCOL_VERSION)
        throw new ProtocolError(`the peer speaks sync protocol version ${hello.v}; this box speaks ${PROTOCOL_VERSION}`);
      if (hello.node !== this.peer.nodeId)
        throw new ProtocolError(`the peer says it is node ${hello.node}, its key says ${this.peer.nodeId}`);
      if (hello.now !== undefined) this.context.onPeerClock(hello.now * 1000);
      this.helloReceived = true;
      return;
    }
    const message = asLinkMessage(raw);
    if (message.t === 'vector') {
      const forks = message.h ? this.intake.compareHeads(message.v, message.h) : [];
      this.logForks(forks);
      if (forks.length > 0) this.sendVector();
      this.learn(message.v);
      this.peerForked = new Set(message.forked);
      if (this.state === 'connecting') {
        this.state = 'open';
        this.context.log.info(
          { peer: this.peer.name, nodeId: this.peer.nodeId, role: this.role },
          `sync: link with ${this.peer.name} open`,
        );
      }
      this.reportBytes(this.peerVector);
      this.pump();
    } else if (message.t === 'ack') {
      this.inFlight = Math.max(0, this.inFlight - 1);
      this.learn(message.v);
      this.reportBytes(this.peerVector);
      this.pump();
    } else {
      if (this.state !== 'open') throw new ProtocolError('ops before the vector');
      await this.applyFrame(message);
    }
  }

  private async applyFrame(frame: OpsFrame): Promise<void> {
    const { ready, heads, forks } = this.intake.take(frame);
    // Heads first: a head kept without its ops is harmless, ops kept without their head could not be relayed.
    if (heads.length > 0) this.context.keys.keepHeads(heads);
    for (const op of ready) this.sent[op.origin] = Math.max(this.sent[op.origin] ?? 0, op.seq);
    const result = ready.length > 0 ? await this.context.store.receive(ready) : { applied: 0, skipped: 0, forks: [] };
    // Forks receive found itself (an op written here since the frame was proved): it kept the copy.
    for (const fork of result.forks) this.intake.stopTaking(fork.origin, fork.seq);
    this.logForks([...forks, ...result.forks]);
    if (this.state === 'closed') return;
    await this.send({ t: 'ack', n: frame.n, v: this.context.store.vector() });
    if (forks.length + result.forks.length > 0) this.sendVector();
  }

  private logForks(forks: readonly Fork[]): void {
    for (const fork of forks) {
      this.context.log.warn(
        { peer: this.peer.name, ...fork },
        `sync: fork of origin ${fork.origin} at seq ${fork.seq} from ${this.peer.name}: quarantined, origin no longer taken from this peer`,
      );
    }
  }

  private learn(vector: Vector): void {
    this.peerVector = { ...(this.peerVector ?? {}), ...vector };
    for (const [origin, seq] of Object.entries(vector)) this.sent[origin] = Math.max(this.sent[origin] ?? 0, seq);
  }

  private heartbeat(): void {
    if (this.state === 'closed') return;
    if (performance.now() - this.lastHeard > SILENCE_MS) {
      this.close(`no word from the peer in ${SILENCE_MS / 1000} s`);
      return;
    }
    if (this.state === 'open') this.sendVector();
  }

  private sendVector(withHashes = false): void {
    const vector = this.context.store.vector();
    const hashes = withHashes
      ? Object.fromEntries(Object.entries(vector).map(([origin, seq]) => [origin, this.context.store.hashAt(origin, seq)!]))
      : undefined;
    void this.send({ t: 'vector', v: vector, forked: this.intake.forkedOrigins, ...(hashes ? { h: hashes } : {}) });
  }

  private pump(): void {
    if (this.pumping || this.state !== 'open') return;
    this.pumping = true;
    try {
      while (this.inFlight < WINDOW && !this.socket.writableNeedDrain && this.state === 'open') {
        // A page holds several frames' worth: reading it again for each frame cost most of a catch-up's reading.
        let page = this.unsent.filter((op) => op.seq > (this.sent[op.origin] ?? 0) && !this.peerForked.has(op.origin));
        if (page.length === 0) page = this.context.store.opsFor(this.sent, PAGE, this.peerForked);
        if (page.length === 0) break;
        const frame = this.buildFrame(page);
        this.unsent = page.slice(frame.ops.length);
        this.inFlight++;
        void this.send(frame);
      }
    } finally {
      this.pumping = false;
    }
  }

  /** As many of `ops` as fit one frame, with the heads and origin records that prove them. */
  private buildFrame(page: readonly WireOp[]): OpsFrame {
    const ops: WireOp[] = [];
    let size = 0;
    for (const op of page) {
      const estimate = op.bodyText.length + op.type.length + 48;
      if (ops.length > 0 && size + estimate > FRAME_BUDGET) break;
      ops.push(op);
      size += estimate;
    }
    const { origins, tuples } = packOps(ops);
    const range = new Map<string, { first: number; last: number }>();
    for (const op of ops) {
      const known = range.get(op.origin);
      range.set(op.origin, { first: known?.first ?? op.seq, last: op.seq });
      this.sent[op.origin] = op.seq;
    }
    const heads: OpsFrame['heads'] = [];
    const records: OpsFrame['records'] = [];
    origins.forEach((origin, index) => {
      const { first, last } = range.get(origin)!;
      if (origin === this.context.origin) {
        heads.push([index, last, signHead(origin, last, this.context.store.hashAt(origin, last)!, this.context.privateKey)]);
      } else {
        for (const head of this.context.keys.headsBetween(origin, first, last)) heads.push([index, head.seq, head.signature]);
      }
      if (!this.recordsSent.has(origin)) {
        const record = origin === this.context.origin ? this.context.ownRecord : this.context.keys.record(origin);
        if (record) records.push(record);
        this.recordsSent.add(origin);
      }
    });
    return { t: 'ops', n: ++this.frameNumber, o: origins, records, ops: tuples, heads };
  }

  private async send(message: unknown): Promise<void> {
    try {
      const frame = await this.encoder.encode(message);
      if (this.state !== 'closed') this.socket.write(frame);
    } catch (error) {
      this.close(`could not send: ${(error as Error).message}`, 'warn');
    }
  }

  private reportBytes(vector: Vector | undefined): void {
    const { sent, received } = this.bytes;
    this.context.onContact(vector, sent - this.countedWritten, received - this.countedRead);
    this.countedWritten = sent;
    this.countedRead = received;
  }
}
