/**
 * Sync between boxes, as the server runs it: the sync port's listener, a dialer per paired
 * peer, and the live links (sync/link.ts). Started by src/server.ts unless `sync = false`.
 *
 * Who may talk: a connection's TLS handshake completes (mutual TLS 1.3, each side's
 * self-signed certificate for its node key), then, before a single frame is read, the peer's
 * key fingerprint is looked up among the pins. A pinned peer gets a link. An unknown key gets
 * one pairing exchange (sync/pairing.ts) if, and only if, an invitation is open; otherwise
 * the connection is closed with one log line. A box with no peers and no open invitation
 * therefore accepts nothing.
 *
 * Who dials: both sides, whenever they have no link: each address known for the peer in turn
 * (set at pairing, editable with `hail peer set-address`), and at once any address mDNS finds
 * for the peer's node id. Failures back off (sync/backoff.ts) up to a minute, for ever. When
 * both dial at once and two links come up, the one dialled by the box with the smaller node id
 * stays, on both sides alike.
 *
 * Peers are read again from the database every few seconds, so `hail peer add|remove` run
 * beside the server take effect without a restart; unpairing through the API closes the link
 * at once.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { sql, type Db } from '../store/database.js';
import type { Log } from '../log.js';
import type { NodeIdentity } from '../core/node-identity.js';
import { Backoff } from './backoff.js';
import { OriginKeys, signOriginRecord } from './head-signatures.js';
import { IntakeQueue } from './intake.js';
import type { OriginRecordTuple } from './messages.js';
import { Link, type LinkState } from './link.js';
import { makeNodeCertificate, type NodeCertificate } from './node-certificate.js';
import { opsLacking, type OpStore } from './op-store.js';
import { answerPairing, dialTls, pairWith, peerFingerprint, tlsOptions, type OwnBox } from './pairing.js';
import { createInvitation, DEFAULT_INVITATION_HOURS, hasOpenInvitation } from './pairing-invitation.js';
import { PeerStore, type Peer, type PeerRow } from './peers.js';

const DIAL_TIMEOUT_MS = 10_000;
const PEERS_RELOAD_MS = 3000;

export interface SyncOptions {
  readonly db: Db;
  readonly store: OpStore;
  readonly identity: NodeIdentity;
  readonly boxName: string;
  readonly host: string;
  readonly port: number;
  /** This box's sync addresses (host:port) as peers should dial them, for invitations. */
  readonly addresses: (port: number) => string[];
  /** Addresses mDNS currently sees for a node id, sync port included (host:port). */
  readonly nearby: (nodeId: string) => string[];
  readonly now: () => number;
  /** A paired box's clock, heard in its HELLO. */
  readonly hearPeerClock?: (nodeId: string, ms: number) => void;
  readonly log: Log;
}

export interface PeerStatus {
  readonly id: string;
  readonly name: string;
  readonly fingerprint: string;
  readonly addresses: readonly string[];
  readonly link: LinkState | 'down';
  readonly lastContact: number | null;
  readonly opsToSend: number;
  readonly opsToReceive: number;
  readonly bytes: {
    readonly sentToday: number;
    readonly receivedToday: number;
    readonly sentTotal: number;
    readonly receivedTotal: number;
  };
  readonly forks: readonly { origin: string; seq: number; foundAt: number }[];
}

interface Dialer {
  backoff: Backoff;
  timer?: NodeJS.Timeout;
  dialing: boolean;
  link?: Link;
}

export class SyncService {
  readonly peers: PeerStore;
  private readonly keys: OriginKeys;
  private readonly dialers = new Map<string, Dialer>();
  private readonly accepted = new Set<Socket>();
  private server: Server | undefined;
  private certificate!: NodeCertificate;
  private ownRecord!: OriginRecordTuple;
  private reload: NodeJS.Timeout | undefined;
  private stopped = false;
  port = 0;

  constructor(private readonly options: SyncOptions) {
    this.peers = new PeerStore(options.db);
    this.keys = new OriginKeys(options.db);
  }

  get fingerprint(): string {
    return this.certificate.fingerprint;
  }

  async start(): Promise<void> {
    const { identity, store } = this.options;
    this.certificate = await makeNodeCertificate(identity.nodeId, identity.privateKey, identity.publicKey);
    this.ownRecord = signOriginRecord(identity.origin, identity.privateKey, identity.publicKey);
    if (this.keys.boundElsewhere(this.ownRecord)) {
      this.options.log.error(
        { origin: identity.origin },
        "sync: this database's origin is written by another box's key: the database was copied. Other boxes quarantine what this one writes; restore copies with hail restore, which gives them their own origin",
      );
    } else this.keys.accept(this.ownRecord);
    // Raw TCP first, TLS on top: the byte counts of the status are the raw socket's, TLS included.
    this.server = createServer((raw) => this.accept(raw));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.options.port, this.options.host, () => resolve());
    });
    this.port = (this.server.address() as { port: number }).port;
    store.onChange(() => {
      for (const dialer of this.dialers.values()) dialer.link?.wake();
    });
    this.refresh();
    this.reload = setInterval(() => this.refresh(), PEERS_RELOAD_MS);
    this.reload.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.reload);
    for (const dialer of this.dialers.values()) {
      clearTimeout(dialer.timer);
      dialer.link?.close('this box is shutting down');
    }
    for (const raw of this.accepted) raw.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The one string an administrator carries to the other box. */
  invite(hours = DEFAULT_INVITATION_HOURS): { invitation: string; expiresAt: number } {
    return createInvitation(this.options.db, this.options.now(), hours, {
      name: this.options.boxName,
      fingerprint: this.fingerprint,
      addresses: this.options.addresses(this.port),
    });
  }

  /** Uses another box's invitation, then dials it. */
  async pair(invitation: string): Promise<Peer> {
    const peer = await pairWith(invitation, this.own(), this.peers, this.options.now());
    this.refresh();
    return peer;
  }

  unpair(nodeId: string): boolean {
    const removed = this.peers.remove(nodeId);
    this.refresh();
    return removed;
  }

  /** Dial again now (a changed address, a peer seen by mDNS). */
  redial(nodeId: string): void {
    const dialer = this.dialers.get(nodeId);
    if (!dialer || dialer.link || dialer.dialing) return;
    clearTimeout(dialer.timer);
    void this.dial(nodeId);
  }

  status(): PeerStatus[] {
    const mine = this.options.store.vector();
    const today = new Date(this.options.now()).toISOString().slice(0, 10);
    for (const dialer of this.dialers.values()) dialer.link?.countBytes();
    return this.peers.rows().map((row: PeerRow) => {
      const link = this.dialers.get(row.node_id)?.link;
      const theirs = link?.peerVector ?? (JSON.parse(row.vector) as Record<string, number>);
      const forks = sql<[string], { origin: string; seq: number; found_at: number }>(
        this.options.db,
        'SELECT origin, seq, found_at FROM sync_forked_origins WHERE peer = ? ORDER BY found_at',
      ).all(row.node_id);
      return {
        id: row.node_id,
        name: row.name,
        fingerprint: row.fingerprint,
        addresses: JSON.parse(row.addresses) as string[],
        link: link?.state ?? 'down',
        lastContact: row.last_contact,
        opsToSend: opsLacking(mine, theirs),
        opsToReceive: opsLacking(theirs, mine),
        bytes: {
          sentToday: row.traffic_day === today ? row.day_sent : 0,
          receivedToday: row.traffic_day === today ? row.day_received : 0,
          sentTotal: row.bytes_sent,
          receivedTotal: row.bytes_received,
        },
        forks: forks.map((fork) => ({ origin: fork.origin, seq: fork.seq, foundAt: fork.found_at })),
      };
    });
  }

  private own(): OwnBox {
    return { name: this.options.boxName, addresses: this.options.addresses(this.port), certificate: this.certificate };
  }

  /** Matches the dialers to the peers table: new peers are dialled, removed ones dropped. */
  refresh(): void {
    if (this.stopped) return;
    const peers = new Map(this.peers.all().map((peer) => [peer.nodeId, peer]));
    for (const [nodeId, dialer] of this.dialers) {
      const peer = peers.get(nodeId);
      if (peer && (!dialer.link || dialer.link.peer.fingerprint === peer.fingerprint)) continue;
      clearTimeout(dialer.timer);
      dialer.link?.close('unpaired on this box');
      this.dialers.delete(nodeId);
    }
    for (const nodeId of peers.keys()) {
      if (this.dialers.has(nodeId)) continue;
      this.dialers.set(nodeId, { backoff: new Backoff(), dialing: false });
      void this.dial(nodeId);
    }
    for (const [nodeId, dialer] of this.dialers) {
      if (!dialer.link && !dialer.dialing && this.options.nearby(nodeId).length > 0 && dialer.timer) {
        clearTimeout(dialer.timer);
        dialer.timer = undefined;
        void this.dial(nodeId);
      }
    }
  }

  private async dial(nodeId: string): Promise<void> {
    const dialer = this.dialers.get(nodeId);
    const peer = this.peers.all().find((candidate) => candidate.nodeId === nodeId);
    if (!dialer || !peer || dialer.link || dialer.dialing || this.stopped) return;
    dialer.dialing = true;
    dialer.timer = undefined;
    const addresses = [...new Set([...this.options.nearby(nodeId), ...peer.addresses])];
    for (const address of addresses) {
      try {
        const { socket, raw } = await dialTls(address, this.certificate, DIAL_TIMEOUT_MS);
        if (this.stopped || dialer.link || !this.dialers.has(nodeId)) {
          socket.destroy();
          break;
        }
        const fingerprint = peerFingerprint(socket);
        if (fingerprint !== peer.fingerprint) {
          this.options.log.warn(
            { peer: peer.name, address },
            `sync: ${address} answers with another key than ${peer.name}'s pin; not talking to it`,
          );
          socket.destroy();
          continue;
        }
        this.startLink(peer, 'dialer', socket, raw);
        break;
      } catch (error) {
        this.options.log.debug({ peer: peer.name, address, err: error }, 'sync: dial failed');
      }
    }
    dialer.dialing = false;
    if (!dialer.link) this.retryLater(nodeId);
  }

  private retryLater(nodeId: string): void {
    const dialer = this.dialers.get(nodeId);
    if (!dialer || this.stopped || dialer.link) return;
    clearTimeout(dialer.timer);
    dialer.timer = setTimeout(() => void this.dial(nodeId), dialer.backoff.next());
    dialer.timer.unref();
  }

  private accept(raw: Socket): void {
    raw.on('error', () => raw.destroy());
    this.accepted.add(raw);
    raw.once('close', () => this.accepted.delete(raw));
    const socket = new TLSSocket(raw, { isServer: true, ...tlsOptions(this.certificate) });
    // A TLSSocket made over a socket of ours does not close that socket when it is destroyed.
    socket.once('close', () => raw.destroy());
    const timer = setTimeout(() => socket.destroy(), DIAL_TIMEOUT_MS);
    socket.on('error', () => socket.destroy());
    socket.once('secure', () => {
      clearTimeout(timer);
      const address = `${raw.remoteAddress}:${raw.remotePort}`;
      const fingerprint = peerFingerprint(socket);
      const peer = fingerprint ? this.peers.byFingerprint(fingerprint) : undefined;
      this.options.log.debug({ address, fingerprint }, 'sync: connection from');
      if (peer) return this.startLink(peer, 'listener', socket, raw);
      if (fingerprint && hasOpenInvitation(this.options.db, this.options.now())) {
        answerPairing(socket, fingerprint, this.own(), this.options.db, this.peers, this.options.now).then(
          (paired) => {
            this.options.log.info({ peer: paired.name, nodeId: paired.nodeId, address }, `sync: paired with ${paired.name}`);
            this.refresh();
          },
          (error: Error) => this.options.log.warn({ address }, `sync: pairing from ${address} refused: ${error.message}`),
        );
        return;
      }
      this.options.log.warn(
        { address, fingerprint },
        `sync: refused ${address}: key ${fingerprint ?? '(none)'} is not paired with this box`,
      );
      socket.destroy();
    });
  }

  private startLink(peer: Peer, role: 'dialer' | 'listener', socket: TLSSocket, raw: Socket): void {
    let dialer = this.dialers.get(peer.nodeId);
    if (!dialer) this.dialers.set(peer.nodeId, (dialer = { backoff: new Backoff(), dialing: false }));
    const existing = dialer.link;
    if (existing && existing.state !== 'closed') {
      // Both dialled: keep the link dialled by the smaller node id (both sides decide alike).
      const dialledBy = (link: { role: 'dialer' | 'listener' }) => (link.role === 'dialer' ? this.options.identity.nodeId : peer.nodeId);
      // The same box dialling again means it lost the old one: the newer stays.
      if (dialledBy(existing) < dialledBy({ role })) {
        socket.destroy();
        return;
      }
      dialer.link = undefined;
      existing.close('replaced by a newer connection');
    }
    const { store, identity, boxName, log, now, db } = this.options;
    const link: Link = new Link(peer, role, socket, raw, new IntakeQueue(db, store, this.keys, peer.nodeId, now), {
      store,
      keys: this.keys,
      origin: identity.origin,
      ownRecord: this.ownRecord,
      nodeId: identity.nodeId,
      boxName,
      privateKey: identity.privateKey,
      log,
      now,
      onPeerClock: (ms) => this.options.hearPeerClock?.(peer.nodeId, ms),
      onContact: (vector, sent, received) => this.peers.contact(peer.nodeId, now(), vector, sent, received),
      onClose: () => {
        const current = this.dialers.get(peer.nodeId);
        if (current?.link !== link) return;
        current.link = undefined;
        // A link that stayed up a while was a success: start the backoff again from a second.
        if (Date.now() - link.openedAt > 30_000) current.backoff.reset();
        this.retryLater(peer.nodeId);
      },
    });
    dialer.link = link;
    clearTimeout(dialer.timer);
  }
}
