/**
 * The boxes this one is paired with: local box configuration (table sync_peers), not ops, so
 * pairing or unpairing on one box changes nothing on another. A peer is known by its node id,
 * and trusted by its pinned key fingerprint (sync/node-certificate.ts); the node id is the
 * first half of the fingerprint, so one cannot be pinned under another's id.
 */
import { sql, type Db } from '../store/database.js';
import type { Vector } from './op-store.js';

export interface PeerRow {
  node_id: string;
  fingerprint: string;
  name: string;
  addresses: string;
  paired_at: number;
  last_contact: number | null;
  vector: string;
  bytes_sent: number;
  bytes_received: number;
  traffic_day: string;
  day_sent: number;
  day_received: number;
}

export interface Peer {
  readonly nodeId: string;
  readonly fingerprint: string;
  readonly name: string;
  readonly addresses: readonly string[];
}

export const nodeIdOf = (fingerprint: string): string => fingerprint.slice(0, 32);

const toPeer = (row: PeerRow): Peer => ({
  nodeId: row.node_id,
  fingerprint: row.fingerprint,
  name: row.name,
  addresses: JSON.parse(row.addresses) as string[],
});

export class PeerStore {
  constructor(private readonly db: Db) {}

  all(): Peer[] {
    return this.rows().map(toPeer);
  }

  rows(): PeerRow[] {
    return sql<[], PeerRow>(this.db, 'SELECT * FROM sync_peers ORDER BY name, node_id').all();
  }

  byFingerprint(fingerprint: string): Peer | undefined {
    const row = sql<[string], PeerRow>(this.db, 'SELECT * FROM sync_peers WHERE node_id = ?').get(nodeIdOf(fingerprint));
    return row && row.fingerprint === fingerprint ? toPeer(row) : undefined;
  }

  find(nodeId: string): PeerRow | undefined {
    return sql<[string], PeerRow>(this.db, 'SELECT * FROM sync_peers WHERE node_id = ?').get(nodeId);
  }

  /** Pins a peer (pairing again replaces the name and addresses, and the pin). */
  pin(fingerprint: string, name: string, addresses: readonly string[], now: number): Peer {
    sql(
      this.db,
      `INSERT INTO sync_peers (node_id, fingerprint, name, addresses, paired_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (node_id) DO UPDATE SET fingerprint = excluded.fingerprint, name = excluded.name, addresses = excluded.addresses`,
    ).run(nodeIdOf(fingerprint), fingerprint, name, JSON.stringify(addresses), now);
    return this.byFingerprint(fingerprint)!;
  }

  remove(nodeId: string): boolean {
    return sql(this.db, 'DELETE FROM sync_peers WHERE node_id = ?').run(nodeId).changes > 0;
  }

  rename(nodeId: string, name: string): boolean {
    return sql(this.db, 'UPDATE sync_peers SET name = ? WHERE node_id = ?').run(name, nodeId).changes > 0;
  }

  setAddresses(nodeId: string, addresses: readonly string[]): boolean {
    return sql(this.db, 'UPDATE sync_peers SET addresses = ? WHERE node_id = ?').run(JSON.stringify(addresses), nodeId).changes > 0;
  }

  /** A round with the peer: when, what it holds, and the bytes since the last call. */
  contact(nodeId: string, now: number, vector: Vector | undefined, sent: number, received: number): void {
    const day = new Date(now).toISOString().slice(0, 10);
    sql(
      this.db,
      `UPDATE sync_peers SET last_contact = ?, vector = coalesce(?, vector), bytes_sent = bytes_sent + ?, bytes_received = bytes_received + ?,
         day_sent = CASE WHEN traffic_day = ? THEN day_sent ELSE 0 END + ?, day_received = CASE WHEN traffic_day = ? THEN day_received ELSE 0 END + ?,
         traffic_day = ? WHERE node_id = ?`,
    ).run(now, vector ? JSON.stringify(vector) : null, sent, received, day, sent, day, received, day, nodeId);
  }
}

/** `host:port` with IPv6 hosts in brackets, as the invitation and `hail peer set-address` take them. */
export function parseAddress(address: string): { host: string; port: number } | undefined {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(address.trim());
  if (!match) return undefined;
  const port = Number(match[3]);
  if (port < 1 || port > 65535) return undefined;
  return { host: match[1] ?? match[2]!, port };
}
