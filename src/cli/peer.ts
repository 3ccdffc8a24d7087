/**
 * `hail peer ...`: pairing and the paired boxes, at the box itself (the same as the admin
 * screen's Fleet section and /api/v1/peers). They work on the database beside a running
 * server, which picks up a new or removed peer within seconds; `hail peer add` also works
 * before setup, so a new box joins a fleet instead of starting one.
 */
import type { Config } from '../config.js';
import { loadIdentity } from '../core/node-identity.js';
import { boxAddresses, boxName } from '../net/addresses.js';
import { StartupError } from '../startup-error.js';
import { openDatabase, sql, type Db } from '../store/database.js';
import { requireDatabase } from './database.js';
import { bytes, duration } from './human.js';
import { makeNodeCertificate, keyFingerprint } from '../sync/node-certificate.js';
import { opsLacking, type Vector } from '../sync/op-store.js';
import { createInvitation, DEFAULT_INVITATION_HOURS, InvitationError } from '../sync/pairing-invitation.js';
import { pairWith } from '../sync/pairing.js';
import { parseAddress, PeerStore, type PeerRow } from '../sync/peers.js';
import { rememberedSyncListener, syncAddresses } from '../sync/sync-addresses.js';

const PEER_USAGE = 'hail peer invite | add INVITATION | list | rename ID NAME | set-address ID HOST:PORT... | remove ID';

function withDatabase<T>(config: Config, work: (db: Db) => Promise<T> | T): Promise<T> {
  const db = openDatabase(requireDatabase(config.dataDir));
  return Promise.resolve()
    .then(() => work(db))
    .finally(() => db.close());
}

const ownAddresses = (config: Config, db: Db) => {
  const listener = rememberedSyncListener(db);
  return syncAddresses(listener.host ?? config.host, listener.port ?? config.syncPort, boxAddresses());
};

/** The name given to the other box: the command's `box_name`, else the one the server uses. */
const ownName = (config: Config, db: Db) => boxName(config.boxName ?? rememberedSyncListener(db).name);

function findPeer(peers: PeerStore, idOrName: string | undefined): PeerRow {
  if (!idOrName) throw new StartupError('usage', `name the peer by its id or name; see hail peer list.\n${PEER_USAGE}`);
  const rows = peers.rows().filter((row) => row.node_id === idOrName || row.name === idOrName);
  if (rows.length !== 1)
    throw new StartupError(
      'peer_not_found',
      rows.length === 0
        ? `no paired box is called "${idOrName}"; see hail peer list.`
        : `several paired boxes are called "${idOrName}": use the id.`,
    );
  return rows[0]!;
}

export async function peerCommand(config: Config, args: readonly string[], flags: Record<string, string>): Promise<void> {
  const [action, ...rest] = args;
  if (!config.sync && (action === 'invite' || action === 'add'))
    throw new StartupError('sync_off', 'sync is turned off on this box (sync = false); turn it on to pair.');
  await withDatabase(config, async (db) => {
    const peers = new PeerStore(db);
    const identity = loadIdentity(db, config.dataDir);
    const now = Date.now();
    if (action === 'invite') {
      const text = flags['--expires-in-hours'];
      if (text !== undefined && !/^[1-9][0-9]{0,3}$/.test(text))
        throw new StartupError('usage', `--expires-in-hours: a whole number of hours (got "${text}").`);
      const hours = text === undefined ? DEFAULT_INVITATION_HOURS : Number(text);
      const { invitation, expiresAt } = createInvitation(db, now, hours, {
        name: ownName(config, db),
        fingerprint: keyFingerprint(identity.publicKey),
        addresses: ownAddresses(config, db),
      });
      process.stdout.write(
        `Pairing invitation, usable once until ${new Date(expiresAt).toISOString()}; on the other box run\n  hail peer add ${invitation}\n`,
      );
    } else if (action === 'add') {
      if (!rest[0]) throw new StartupError('usage', `give the invitation: hail peer add hail1:...`);
      const certificate = await makeNodeCertificate(identity.nodeId, identity.privateKey, identity.publicKey);
      try {
        const peer = await pairWith(rest[0], { name: ownName(config, db), addresses: ownAddresses(config, db), certificate }, peers, now);
        process.stdout.write(
          `paired with ${peer.name} (id ${peer.nodeId}, fingerprint ${peer.fingerprint}); the server syncs with it from now on\n`,
        );
      } catch (error) {
        if (error instanceof InvitationError) throw new StartupError('invitation_invalid', `${error.message}.`);
        throw new StartupError('pairing_failed', `pairing failed: ${(error as Error).message}.`);
      }
    } else if (action === 'list') {
      const mine: Vector = {};
      for (const row of sql<[], { origin: string; seq: number }>(db, 'SELECT origin, max(seq) AS seq FROM ops GROUP BY origin').all())
        mine[row.origin] = row.seq;
      process.stdout.write(`this box: ${ownName(config, db)}, id ${identity.nodeId}, fingerprint ${keyFingerprint(identity.publicKey)}\n`);
      const rows = peers.rows();
      if (rows.length === 0) process.stdout.write('no paired boxes; pair one with hail peer invite and hail peer add\n');
      for (const row of rows) {
        const theirs = JSON.parse(row.vector) as Vector;
        const forks = sql<[string], { n: number }>(db, 'SELECT count(*) AS n FROM sync_forked_origins WHERE peer = ?').get(row.node_id)!.n;
        const live = row.last_contact !== null && now - row.last_contact < 30_000;
        const contact = row.last_contact === null ? 'never in contact' : `last contact ${duration(now - row.last_contact)} ago`;
        const traffic = (sent: number, received: number) => `${bytes(sent)} sent, ${bytes(received)} received`;
        const today = row.traffic_day === new Date(now).toISOString().slice(0, 10);
        const lines = [
          ['link', `${live ? 'up' : 'down'}, ${contact}`],
          ['ops waiting', `${opsLacking(mine, theirs)} to send, ${opsLacking(theirs, mine)} to receive`],
          ['today', today ? traffic(row.day_sent, row.day_received) : 'nothing'],
          ['in total', traffic(row.bytes_sent, row.bytes_received)],
          ['addresses', (JSON.parse(row.addresses) as string[]).join(' ') || '(none: it dials in)'],
          ['fingerprint', row.fingerprint],
          ['forks', forks === 0 ? 'none' : `${forks} quarantined (see GET /api/v1/peers)`],
        ];
        process.stdout.write(
          `\n${row.name} (id ${row.node_id})\n${lines.map(([label, value]) => `  ${label!.padEnd(12)} ${value}\n`).join('')}`,
        );
      }
    } else if (action === 'remove') {
      const row = findPeer(peers, rest[0]);
      peers.remove(row.node_id);
      process.stdout.write(`unpaired ${row.name}; the server drops its link within seconds and refuses it from then on\n`);
    } else if (action === 'rename') {
      const row = findPeer(peers, rest[0]);
      const name = rest[1]?.trim();
      if (!name || name.length > 64) throw new StartupError('usage', 'give the new name (1 to 64 characters): hail peer rename ID NAME');
      peers.rename(row.node_id, name);
      process.stdout.write(`${row.name} is now called ${name}\n`);
    } else if (action === 'set-address') {
      const row = findPeer(peers, rest[0]);
      const addresses = rest.slice(1);
      const bad = addresses.find((address) => parseAddress(address) === undefined);
      if (bad !== undefined) throw new StartupError('usage', `"${bad}" is not host:port.`);
      peers.setAddresses(row.node_id, addresses);
      process.stdout.write(`${row.name} is dialled at ${addresses.join(' ') || '(nothing: it dials in)'}\n`);
    } else {
      throw new StartupError('usage', `unknown peer command "${action ?? ''}".\n${PEER_USAGE}`);
    }
  });
}
