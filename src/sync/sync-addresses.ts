/**
 * The addresses a box gives other boxes to dial its sync port, as `host:port` (IPv6 in
 * brackets): the one address it listens on, or, listening everywhere, each IPv4 address of
 * its interfaces and its mDNS name. The server keeps the host and port it really listens on in
 * the database (meta `sync_host`, `sync_port`), so `hail peer invite|add` run beside it name the
 * right ones even when the setting is 0 (any free port) or the server was started with other
 * flags than the command (`--host 127.0.0.1` for two boxes on one machine).
 */
import type { BoxAddresses } from '../net/addresses.js';
import { getMeta, setMeta, type Db } from '../store/database.js';

const WILDCARD = new Set(['0.0.0.0', '::', '']);

export const hostPort = (host: string, port: number): string => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

export const syncAddresses = (host: string, port: number, addresses: BoxAddresses): string[] =>
  (WILDCARD.has(host) ? [...addresses.ipv4, addresses.localName] : [host]).map((address) => hostPort(address, port));

export const rememberSyncListener = (db: Db, host: string, port: number): void => {
  setMeta(db, 'sync_host', host);
  setMeta(db, 'sync_port', String(port));
};

/** Where the server last listened for sync, when it has run. */
export const rememberedSyncListener = (db: Db): { host: string | undefined; port: number | undefined } => {
  const port = getMeta(db, 'sync_port');
  return { host: getMeta(db, 'sync_host'), port: port === undefined ? undefined : Number(port) };
};
