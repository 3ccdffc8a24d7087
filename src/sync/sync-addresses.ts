/**
 * The addresses a box gives other boxes to dial its sync port, as `host:port` (IPv6 in
 * brackets): the one address it listens on, or, listening everywhere, each IPv4 address of
 * its interfaces and its mDNS name. The server keeps the port it really listens on in the
 * database (meta `sync_port`), so `hail peer invite` run beside it names the right one even
 * when the setting is 0 (any free port).
 */
import type { BoxAddresses } from '../net/addresses.js';
import { getMeta, setMeta, type Db } from '../store/database.js';

const WILDCARD = new Set(['0.0.0.0', '::', '']);

export const hostPort = (host: string, port: number): string => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

export const syncAddresses = (host: string, port: number, addresses: BoxAddresses): string[] =>
  (WILDCARD.has(host) ? [...addresses.ipv4, addresses.localName] : [host]).map((address) => hostPort(address, port));

export const rememberSyncPort = (db: Db, port: number): void => setMeta(db, 'sync_port', String(port));

export const rememberedSyncPort = (db: Db): number | undefined => {
  const port = getMeta(db, 'sync_port');
  return port === undefined ? undefined : Number(port);
};
