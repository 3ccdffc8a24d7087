/**
 * Ops that can forget: a deleted post's text and its files' names, and a replaced password's
 * hash, must not live on in the op log (which travels to every box) nor anywhere else in the
 * database file. Checked on the bytes of the files SQLite keeps, over a real server.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { v7 as uuidv7 } from 'uuid';
import { startWorld } from './helpers/world.js';
import type { ApiResponse, Client } from './helpers/server.js';
import { verify } from '../src/core/rebuild.js';
import { migrate } from '../src/store/database.js';
import { MIGRATIONS } from '../src/store/migrations.js';
import { isPurged } from '../src/store/op-chain.js';
import { verifyChains } from '../src/store/op-log.js';

function ok<T>(response: ApiResponse<T>, what: string): T {
  assert.ok(response.status >= 200 && response.status < 300, `${what}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

async function upload(client: Client, name: string, bytes: Buffer): Promise<{ hash: string; size: number; name: string; type: string }> {
  const response = await fetch(`${client.baseUrl}/api/v1/files?${new URLSearchParams({ name })}`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', cookie: client.cookie },
    body: bytes,
  });
  assert.equal(response.status, 201);
  return (await response.json()) as { hash: string; size: number; name: string; type: string };
}

/** The bytes of the database and its WAL and shared-memory files, after a checkpoint that empties the WAL. */
function databaseBytes(dataDir: string): Buffer {
  const file = join(dataDir, 'hail.db');
  const db = new Database(file);
  try {
    const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number; checkpointed: number }[];
    assert.equal(result!.busy, 0, 'the checkpoint ran to the end');
  } finally {
    db.close();
  }
  return Buffer.concat([file, `${file}-wal`, `${file}-shm`].filter((path) => existsSync(path)).map((path) => readFileSync(path)));
}

const contains = (bytes: Buffer, text: string): boolean => bytes.includes(Buffer.from(text, 'utf8'));

test(
  "a deleted post's text, edits and file names, and a replaced password's hash, are nowhere in the database file",
  { timeout: 60000 },
  async () => {
    const world = await startWorld();
    try {
      const alice = await world.join('alice');
      const general = world.team.defaultChannelId;
      // Words that appear nowhere else, long enough to fill an overflow page.
      const secret = `Marlinspike${'quartermaster'.repeat(300)}`;
      const edited = 'Bosunchair gybe preventer';
      const fileName = 'sextant-calibration-Zephyrine.txt';
      const kept = 'Halyard winch greased';

      const file = await upload(alice.client, fileName, Buffer.from('the sextant reads 2 minutes high'));
      const postId = uuidv7();
      ok(await alice.client.post(`/api/v1/channels/${general}/posts`, { id: postId, message: secret, files: [file] }), 'post');
      ok(await alice.client.patch(`/api/v1/posts/${postId}`, { message: edited }), 'edit');
      ok(await alice.client.post(`/api/v1/channels/${general}/posts`, { id: uuidv7(), message: kept }), 'another post');
      // Searchable before, so the index held the words.
      const found = ok(await alice.client.get(`/api/v1/search?q=${encodeURIComponent('Bosunchair')}`), 'search');
      assert.equal((found as { results: unknown[] }).results.length, 1);

      const oldHash = (() => {
        const db = new Database(join(world.hail.dataDir, 'hail.db'), { readonly: true });
        try {
          return (db.prepare("SELECT password_hash FROM users WHERE username = 'alice'").get() as { password_hash: string }).password_hash;
        } finally {
          db.close();
        }
      })();
      const before = databaseBytes(world.hail.dataDir);
      // Overflow pages cut a long text into pieces, so the words are looked for, not the whole text.
      for (const text of ['Marlinspike', edited, fileName, oldHash]) assert.ok(contains(before, text), `the test sees ${text} before`);

      ok(await alice.client.delete(`/api/v1/posts/${postId}`), 'delete');
      ok(
        await alice.client.post('/api/v1/me/password', { currentPassword: 'password of alice', newPassword: 'a brand new password' }),
        'password',
      );

      const after = databaseBytes(world.hail.dataDir);
      assert.ok(contains(after, kept), 'the bytes read are the database: a post not deleted is there');
      assert.ok(!contains(after, 'Marlinspike'), 'the deleted text is gone');
      assert.ok(!contains(after, 'quartermaster'), 'the deleted text is gone, overflow pages included');
      assert.ok(!contains(after, 'Bosunchair'), 'the edited text is gone, search index included');
      assert.ok(!contains(after, 'Zephyrine'), "the file's name is gone");
      assert.ok(!contains(after, oldHash.split('$').at(-1)!), 'the replaced password hash is gone');

      // The log still verifies, and replays to the same state, with its fields purged.
      const { differences, chainProblems } = verify(join(world.hail.dataDir, 'hail.db'));
      assert.deepEqual(differences, []);
      assert.deepEqual(chainProblems, []);
    } finally {
      await world.dispose();
    }
  },
);

test('upgrading a database forgets what was deleted or replaced before ops could forget', () => {
  const db = new Database(':memory:');
  for (const migration of MIGRATIONS.slice(0, 2)) db.exec(migration as string);
  db.pragma('user_version = 2');
  const origin = 'a'.repeat(32);
  const [userId, postId, channelId] = [uuidv7(), uuidv7(), uuidv7()];
  const hash = (n: number) => `scrypt$16384$8$1$${'s'.repeat(22)}$${String(n).repeat(43)}`;
  const hlc = (n: number) => `00000000000${n}0000`;
  const ops: [string, string, unknown][] = [
    ['user.created', userId, { username: 'alice', displayName: 'Alice', role: 'member', passwordHash: hash(1), inviteId: null }],
    ['post.created', postId, { channelId, message: 'Oldsecret bearing', rootId: null }],
    ['post.edited', postId, { message: 'Oldsecret heading' }],
    ['post.deleted', postId, {}],
    ['user.password-set', userId, { passwordHash: hash(2) }],
  ];
  const insert = db.prepare("INSERT INTO ops (origin, seq, hlc, author, type, entity, body, hash) VALUES (?, ?, ?, NULL, ?, ?, ?, 'old')");
  ops.forEach(([type, entity, body], index) => insert.run(origin, index + 1, hlc(index + 1), type, entity, JSON.stringify(body)));
  db.prepare(`INSERT INTO users VALUES (?, 'alice', 'alice', 'Alice', 'member', ?, 1, NULL, 'v', 'v', 'v', ?, 'v')`).run(
    userId,
    hash(2),
    `${hlc(5)}.${origin}.${'5'.padStart(15, '0')}`,
  );
  db.prepare("INSERT INTO posts VALUES (?, ?, ?, NULL, '', ?, 'v', NULL, 'v', 1)").run(postId, channelId, userId, hlc(2));

  migrate(db);
  const bodies = (db.prepare('SELECT body FROM ops ORDER BY seq').all() as { body: string }[]).map((row) => JSON.parse(row.body));
  assert.ok(isPurged(bodies[0].passwordHash), "the first password's hash is forgotten");
  assert.equal(bodies[0].username, 'alice');
  assert.ok(isPurged(bodies[1].message) && isPurged(bodies[2].message), "the deleted post's text is forgotten");
  assert.equal(bodies[4].passwordHash, hash(2), 'the password in use stays');
  assert.deepEqual(verifyChains(db).problems, []);
  db.close();
});
