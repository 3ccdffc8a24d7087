/**
 * Starts sync for the server (src/server.ts): the op store, the addresses this box gives in
 * its invitations, and the mDNS hook that dials a peer as soon as it appears on the LAN.
 */
import type { Config } from '../config.js';
import type { Committer } from '../core/commit.js';
import type { NodeIdentity } from '../core/node-identity.js';
import type { Log } from '../log.js';
import type { NearbyList } from '../mdns/nearby.js';
import type { BoxAddresses } from '../net/addresses.js';
import type { Db } from '../store/database.js';
import { StartupError } from '../startup-error.js';
import { logOpStore } from './log-op-store.js';
import { SyncService } from './sync-service.js';
import { hostPort, rememberSyncListener, syncAddresses } from './sync-addresses.js';

export interface SyncStart {
  readonly config: Config;
  readonly db: Db;
  readonly committer: Committer;
  readonly identity: NodeIdentity;
  readonly boxName: string;
  readonly addresses: () => BoxAddresses;
  readonly nearby: () => NearbyList;
  readonly now: () => number;
  readonly hearPeerClock: (nodeId: string, ms: number) => void;
  readonly log: Log;
}

export async function startSync(start: SyncStart): Promise<SyncService> {
  const { config } = start;
  const service = new SyncService({
    db: start.db,
    store: logOpStore(start.db, start.committer),
    identity: start.identity,
    boxName: start.boxName,
    host: config.host,
    port: config.syncPort,
    addresses: (port) => syncAddresses(config.host, port, start.addresses()),
    nearby: (nodeId) =>
      start
        .nearby()
        .hail.filter((service) => service.txt.node === nodeId && service.txt.sync !== undefined)
        .flatMap((service) => service.addresses.map((address) => hostPort(address, Number(service.txt.sync)))),
    now: start.now,
    hearPeerClock: start.hearPeerClock,
    log: start.log,
  });
  await service.start().catch((error: Error) => {
    throw new StartupError(
      'cannot_start',
      `cannot listen for sync on ${config.host}:${config.syncPort} (${error.message}); set sync_port, or sync = false`,
    );
  });
  try {
    rememberSyncListener(start.db, { host: config.host, port: service.port, name: start.boxName });
  } catch (error) {
    // A full disk: the box still syncs; only `hail peer invite|add` may name old values.
    start.log.warn({ err: error }, 'sync: could not record the sync port and name for the hail peer commands');
  }
  start.log.info(
    { syncPort: service.port, fingerprint: service.fingerprint },
    `sync: listening on port ${service.port} (key fingerprint ${service.fingerprint})`,
  );
  return service;
}
