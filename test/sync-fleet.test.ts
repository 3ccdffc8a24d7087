/**
 * A fleet of three real servers on loopback with real mutual TLS: boat A and boat B are paired
 * only with the shore, so everything between them is relayed. A post on A reaches a client of B
 * live; a box killed with SIGKILL in the middle of a catch-up loses nothing and applies nothing
 * twice; a partition in which all three write heals to the same state on all three (the op logs
 * and every replicated table, read from the stopped boxes' databases). A proxy between A and the
 * shore that cuts connections mid-stream, stalls and throttles to 2,400 bit/s delays the
 * convergence but never breaks it.
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { generateHistory } from '../scripts/bench/generate-history.js';
import { canonicalDump } from './helpers/fold.js';
import { FaultProxy } from './helpers/sync-fault-proxy.js';
import { runHail } from './helpers/cli.js';
import { Client, newDataDir, removeDataDir, startHail, type HailProcess } from './helpers/server.js';
import { startWorld, type World } from './helpers/world.js';
import { eventually, freePort } from './helpers/eventually.js';

const PASSWORD = 'correct horse battery';

const login = async (url: string): Promise<Client | undefined> => {
  const client = new Client(url);
  const answer = await client.post('/api/v1/auth/login', { username: 'admin', password: PASSWORD });
  return answer.status === 200 ? client : undefined;
};

/** Reads a box's database while it runs (WAL lets a reader in) or after it stopped. */
function readDb<T>(dataDir: string, read: (db: Database.Database) => T): T {
  const db = new Database(join(dataDir, 'hail.db'), { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

/** The highest seq of each origin a box holds: equal on two boxes that converged (each chain is checked on the way in). */
const heads = (dataDir: string) =>
  readDb(dataDir, (db) => JSON.stringify(db.prepare('SELECT origin, max(seq) AS seq FROM ops GROUP BY origin ORDER BY origin').all()));

const opCount = (dataDir: string) => readDb(dataDir, (db) => (db.prepare('SELECT count(*) AS n FROM ops').get() as { n: number }).n);

interface Boat {
  readonly name: string;
  readonly dir: string;
  readonly port: number;
  hail: HailProcess;
  admin: Client;
}

describe('a fleet: two boats paired only with the shore', () => {
  let shore: World;
  let shoreHail: HailProcess;
  let shorePort: number;
  const boats: Boat[] = [];
  let channelId: string;

  const startBoat = (boat: Boat) => startHail({ dataDir: boat.dir, env: { HAIL_SYNC_PORT: String(boat.port), HAIL_BOX_NAME: boat.name } });
  const startShore = (env: Record<string, string> = {}) =>
    startHail({ dataDir: shore.hail.dataDir, env: { HAIL_SYNC_PORT: String(shorePort), HAIL_BOX_NAME: 'shore', ...env } });

  before(async () => {
    shorePort = await freePort();
    shore = await startWorld({ env: { HAIL_SYNC_PORT: String(shorePort), HAIL_BOX_NAME: 'shore' } });
    shoreHail = shore.hail;
    channelId = shore.team.defaultChannelId;
    for (const name of ['boat-a', 'boat-b']) {
      const boat: Boat = {
        name,
        dir: newDataDir(),
        port: await freePort(),
        hail: undefined as unknown as HailProcess,
        admin: undefined as unknown as Client,
      };
      boat.hail = await startBoat(boat);
      boats.push(boat);
      const invite = await shore.admin.post('/api/v1/peers/invites', {});
      const added = await runHail(['peer', 'add', invite.body.invitation, '--data-dir', boat.dir], 30_000, {
        env: { HAIL_BOX_NAME: name },
      });
      assert.equal(added.code, 0, added.stderr);
      boat.admin = await eventually(`the shore's admin on ${name}`, () => login(boat.hail.url));
    }
  });

  after(async () => {
    for (const boat of boats) {
      await boat.hail?.stop();
      removeDataDir(boat.dir);
    }
    await shoreHail?.stop();
    removeDataDir(shore.hail.dataDir);
  });

  const [a, b] = [() => boats[0]!, () => boats[1]!];

  test('a post on boat A reaches a WebSocket client of boat B live, through the shore', { timeout: 60_000 }, async () => {
    const socket = await b().admin.socket();
    await socket.resume(0);
    const sent = await a().admin.post(`/api/v1/channels/${channelId}/posts`, { message: 'relayed: anchor holding' });
    assert.equal(sent.status, 201);
    const relayed = (frame: any) =>
      frame.type === 'event' && (frame.event.data?.message === 'relayed: anchor holding' || frame.event.id === sent.body.post?.id);
    const event = await socket.until((frames) => frames.find(relayed), 20_000);
    assert.ok(event);
    await socket.close();
  });

  test(
    'boat B killed with SIGKILL in the middle of a catch-up: after a restart nothing is lost, nothing is twice',
    { timeout: 120_000 },
    async () => {
      await b().hail.stop();
      await shoreHail.stop();
      const me = readDb(
        shore.hail.dataDir,
        (db) => (db.prepare("SELECT id FROM users WHERE username = 'admin'").get() as { id: string }).id,
      );
      await generateHistory(shore.hail.dataDir, me, channelId, 20_000, 10);
      shoreHail = await startShore();
      const held = opCount(b().dir);
      const total = opCount(shore.hail.dataDir);
      b().hail = await startBoat(b());
      await eventually('part of the backlog on B', () => opCount(b().dir) > held + 1000, 60_000);
      await b().hail.kill();
      const atKill = opCount(b().dir);
      assert.ok(atKill < total, `killed mid-catch-up (${atKill} of ${total})`);
      b().hail = await startBoat(b());
      await eventually('the catch-up after the restart', () => opCount(b().dir) === total, 90_000);
      b().admin = (await login(b().hail.url))!;
      const twice = readDb(b().dir, (db) => ({
        posts: db.prepare('SELECT message FROM posts GROUP BY message HAVING count(*) > 1').all(),
        feed: (db.prepare('SELECT count(*) AS n FROM feed').get() as { n: number }).n,
        ops: (db.prepare('SELECT count(*) AS n FROM ops').get() as { n: number }).n,
      }));
      assert.deepEqual(twice.posts, [], 'no post twice');
      assert.equal(twice.feed, twice.ops, 'each op once in the feed');
    },
  );

  test('a partition in which all three write heals to the same state on all three', { timeout: 120_000 }, async () => {
    await shoreHail.stop();
    for (const boat of boats) {
      for (let index = 0; index < 10; index++)
        assert.equal((await boat.admin.post(`/api/v1/channels/${channelId}/posts`, { message: `${boat.name} ${index}` })).status, 201);
    }
    // The shore writes too, with sync off: the boats cannot reach it, nor it them.
    shoreHail = await startShore({ HAIL_SYNC: 'false' });
    const shoreAdmin = (await login(shoreHail.url))!;
    for (let index = 0; index < 10; index++)
      assert.equal((await shoreAdmin.post(`/api/v1/channels/${channelId}/posts`, { message: `shore ${index}` })).status, 201);
    await shoreHail.stop();
    shoreHail = await startShore();
    const dirs = [shore.hail.dataDir, a().dir, b().dir];
    await eventually('the three op logs equal', () => new Set(dirs.map(heads)).size === 1, 90_000);
    await shoreHail.stop();
    for (const boat of boats) await boat.hail.stop();
    const logs = dirs.map((dir) =>
      readDb(dir, (db) => db.prepare('SELECT origin, seq, hash FROM ops ORDER BY origin, seq').raw(true).all()),
    );
    assert.deepEqual(logs[1], logs[0]);
    assert.deepEqual(logs[2], logs[0]);
    const dumps = dirs.map((dir) => readDb(dir, (db) => JSON.stringify(canonicalDump(db as never))));
    assert.equal(dumps[1], dumps[0], "boat A holds the shore's state");
    assert.equal(dumps[2], dumps[0], "boat B holds the shore's state");
    for (const name of ['boat-a 9', 'boat-b 9', 'shore 9']) assert.ok(dumps[0]!.includes(name), name);
  });

  test(
    'cuts mid-stream, a stall and a 2,400 bit/s throttle between A and the shore delay convergence, never break it',
    { timeout: 150_000 },
    async () => {
      shoreHail = await startShore();
      a().hail = await startBoat(a());
      const proxy = await FaultProxy.start(shorePort);
      try {
        const shoreAdmin = (await login(shoreHail.url))!;
        a().admin = (await eventually('a login on A', () => login(a().hail.url)))!;
        // Only A dials, and only through the proxy.
        const peersOf = async (client: Client) =>
          (await client.get('/api/v1/peers')).body.peers as { id: string; name: string; link: string }[];
        const aOnShore = (await peersOf(shoreAdmin)).find((peer) => peer.name === 'boat-a')!;
        const shoreOnA = (await peersOf(a().admin)).find((peer) => peer.name === 'shore')!;
        assert.equal((await shoreAdmin.request('PATCH', `/api/v1/peers/${aOnShore.id}`, { addresses: [] })).status, 200);
        assert.equal((await a().admin.request('PATCH', `/api/v1/peers/${shoreOnA.id}`, { addresses: [proxy.address] })).status, 200);
        await shoreHail.stop();
        shoreHail = await startShore();
        const shoreClient = (await eventually('a login on the shore', () => login(shoreHail.url)))!;
        await eventually(
          'the link through the proxy',
          async () => proxy.connections > 0 && (await peersOf(a().admin)).find((peer) => peer.name === 'shore')!.link === 'open',
        );
        const same = () => heads(shore.hail.dataDir) === heads(a().dir);
        const post = async (client: Client, message: string) =>
          assert.equal((await client.post(`/api/v1/channels/${channelId}/posts`, { message })).status, 201);

        // A link's handshake, HELLO and vectors take about 3 KB: each cut falls among the ops after them.
        proxy.cutConnections(3, 3500);
        // The shore keeps writing while A dials again (after a backoff that grows with each cut).
        const deadline = Date.now() + 60_000;
        for (let index = 0; proxy.cuts < 3; index++) {
          assert.ok(Date.now() < deadline, `${proxy.cuts} cuts in a minute`);
          await post(shoreClient, `through cuts ${index}`);
          await new Promise((done) => setTimeout(done, 50));
        }
        await eventually('convergence through the cuts', same, 90_000);
        assert.ok(proxy.connections >= 4);

        proxy.stall(5000);
        for (let index = 0; index < 20; index++) await post(shoreClient, `through a stall ${index}`);
        await eventually('convergence after the stall', same, 30_000);

        proxy.throttle(2400);
        const before = proxy.bytes;
        for (let index = 0; index < 5; index++) {
          await post(shoreClient, `throttled from the shore ${index}`);
          await post(a().admin, `throttled from A ${index}`);
        }
        await eventually('convergence at 2,400 bit/s', same, 60_000);
        assert.ok(proxy.bytes > before, 'the ops went through the proxy');
        proxy.throttle(undefined);
        const logs = [shore.hail.dataDir, a().dir].map((dir) =>
          readDb(dir, (db) => db.prepare('SELECT origin, seq, hash FROM ops ORDER BY origin, seq').raw(true).all()),
        );
        assert.deepEqual(logs[1], logs[0]);
      } finally {
        await proxy.close();
      }
    },
  );
});
