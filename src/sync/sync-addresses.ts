/**
 * The addresses a box gives other boxes to dial its sync port, as `host:port` (IPv6 in
 * brackets): the one address it listens on, or, listening everywhere, each IPv4 address of
 * its interfaces and its mDNS name. The server keeps the host and port it really listens on,
 * and the name it gives peers, in the database (meta `sync_host`, `sync_port`, `sync_name`), so
 * `hail peer invite|add` run beside it give the same even when the setting is 0 (any free port)
 * or the server was started with other flags than the command (two boxes on one machine).
 */
import type { BoxAddresses } from '../net/addresses.js';
import { getMeta, setMeta, type Db } from '../store/database.js';

const WILDCARD = new Set(['0.0.0.0', '::', '']);

export const hostPort = (host: string, port: number): string => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

export const syncAddresses = (host: string, port: number, addresses: BoxAddresses): string[] =>
  (WILDCARD.has(host) ? [...addresses.ipv4, addresses.localName] : [host]).map((address) => hostPort(address, port));

export interface SyncListener {
  readonly host: string;
  readonly port: number;
  /** The box's name as the server gives it to peers. */
  readonly name: string;
}

/** Writes only what changed: a box started on a full disk must not fail for rewriting the same. */
export const rememberSyncListener = (db: Db, { host, port, name }: SyncListener): void => {
  for (const [key, value] of [
    ['sync_host', host],
    ['sync_port', String(port)],
    ['sync_name', name],
  ] as const) {
    if (getMeta(db, key) !== value) setMeta(db, key, value);
  }
};

/** Where the server last listened for sync and under which name, as far as it has run. */
export const rememberedSyncListener = (db: Db): Partial<SyncListener> => {
  const port = getMeta(db, 'sync_port');
  return { host: getMeta(db, 'sync_host'), port: port === undefined ? undefined : Number(port), name: getMeta(db, 'sync_name') };
};
