/**
 * Each origin's ops form a hash chain over a digest of their bodies, so that ops can travel
 * through other boxes unaltered, and a forgotten field (a deleted post's text) leaves the chain
 * intact. Uses the real Committer and migrations on real databases, without the server.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openWriter } from '../src/core/writer.js';
import { newId } from '../src/core/ids.js';
import { migrate, sql, type Db } from '../src/store/database.js';
import { MIGRATIONS } from '../src/store/migrations.js';
import { bodyDigest, CHAIN_START, fieldDigest, isPurged, opHash, purgeFields } from '../src/store/op-chain.js';
import { verifyChains } from '../src/store/op-log.js';

const HASH = `scrypt$16384$8$1$${'s'.repeat(22)}$${'k'.repeat(43)}`;

interface StoredOp {
  origin: string;
  seq: number;
  hlc: string;
  author: string | null;
  type: string;
  entity: string;
  body: string;
  hash: string;
  body_digest: string;
}

const storedOps = (db: Db): StoredOp[] =>
  sql<[], StoredOp>(db, 'SELECT origin, seq, hlc, author, type, entity, body, hash, body_digest FROM ops ORDER BY origin, seq').all();

async function withWriter(t: { after: (fn: () => void) => void }) {
  const dataDir = mkdtempSync(join(tmpdir(), 'hail-chain-'));
  const writer = openWriter(
    dataDir,
    () => Date.now(),
    (error) => assert.fail(String(error)),
  );
  t.after(() => {
    writer.db.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return writer;
}

/** An admin, a team and two posts, one of them edited: ops from one origin. */
async function someOps(committer: ReturnType<typeof openWriter>['committer']): Promise<{ admin: string; postId: string }> {
  const admin = newId();
  const team = newId();
  const general = newId();
  const postId = newId();
  await committer.commit({
    author: admin,
    grant: { kind: 'setup' },
    ops: [
      {
        type: 'user.created',
        entity: admin,
        body: { username: 'skipper', displayName: 'Skipper', role: 'admin', passwordHash: HASH, inviteId: null },
      },
    ],
  });
  await committer.commit({
    author: admin,
    ops: [{ type: 'team.created', entity: team, body: { name: 'crew', displayName: 'Crew', defaultChannelId: general } }],
  });
  await committer.commit({
    author: admin,
    ops: [{ type: 'post.created', entity: postId, body: { channelId: general, message: 'Reef the main at dusk', rootId: null } }],
  });
  await committer.commit({ author: admin, ops: [{ type: 'post.edited', entity: postId, body: { message: 'Reef the main at sunset' } }] });
  await committer.commit({
    author: admin,
    ops: [{ type: 'post.created', entity: newId(), body: { channelId: general, message: 'Anchor light on', rootId: null } }],
  });
  return { admin, postId };
}

test("an op's hash covers its head, its body's digest and the hash of its origin's previous op", async (t) => {
  const { db, committer, identity } = await withWriter(t);
  await someOps(committer);
  const ops = storedOps(db);
  assert.ok(ops.length >= 5);
  let previous = CHAIN_START;
  for (const [index, op] of ops.entries()) {
    assert.equal(op.origin, identity.origin);
    assert.equal(op.seq, index + 1);
    const body = JSON.parse(op.body) as Record<string, unknown>;
    assert.equal(op.body_digest, bodyDigest(body), `the stored digest of op ${op.seq} is its body's`);
    assert.equal(op.hash, opHash(op, op.body_digest, previous), `op ${op.seq} chains from the op before it`);
    previous = op.hash;
  }
  assert.deepEqual(verifyChains(db), { ops: ops.length, problems: [] });
});

test('the body digest is the same whatever order the fields came in, and for the body with a field purged', () => {
  const body = {
    channelId: newId(),
    message: 'Fresh water: 40 litres left',
    rootId: null,
    files: [{ name: 'tank.jpg', hash: 'a'.repeat(64), type: 'image/jpeg', size: 1 }],
  };
  const shuffled = {
    rootId: null,
    files: [{ size: 1, type: 'image/jpeg', hash: 'a'.repeat(64), name: 'tank.jpg' }],
    message: body.message,
    channelId: body.channelId,
  };
  assert.equal(bodyDigest(shuffled), bodyDigest(body));
  const purged = purgeFields(body, ['message', 'files']);
  assert.ok(isPurged(purged.message) && isPurged(purged.files));
  assert.equal((purged.message as unknown as { $purged: string }).$purged, fieldDigest(body.message));
  assert.equal(purged.channelId, body.channelId, 'the fields not purged stay readable');
  assert.doesNotMatch(JSON.stringify(purged), /litres|tank/);
  assert.equal(bodyDigest(purged), bodyDigest(body));
  assert.equal(purgeFields(purged, ['message']), purged, 'purging again changes nothing');
  assert.notEqual(bodyDigest({ ...body, message: 'Fresh water: 4 litres left' }), bodyDigest(body));
});

test('verification names an op whose body, hash or place in its chain was changed', async (t) => {
  const { db, committer } = await withWriter(t);
  await someOps(committer);
  const [, second, third, fourth] = storedOps(db);
  db.prepare('UPDATE ops SET body = ? WHERE origin = ? AND seq = ?').run(
    JSON.stringify({ ...JSON.parse(third!.body), message: 'Tampered' }),
    third!.origin,
    third!.seq,
  );
  db.prepare('UPDATE ops SET hash = ? WHERE origin = ? AND seq = ?').run(
    fourth!.hash.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')),
    fourth!.origin,
    fourth!.seq,
  );
  db.prepare('DELETE FROM ops WHERE origin = ? AND seq = ?').run(second!.origin, second!.seq);
  const { problems } = verifyChains(db);
  assert.deepEqual(problems, [
    // Seq 3 follows seq 1 now: a hole, and a link to a hash that is not its predecessor's.
    { origin: third!.origin, seq: 3, problem: 'gap' },
    { origin: third!.origin, seq: 3, problem: 'body_changed' },
    { origin: third!.origin, seq: 3, problem: 'hash_mismatch' },
    { origin: third!.origin, seq: 4, problem: 'hash_mismatch' },
    // Seq 5 chained from seq 4's real hash, not the altered one stored.
    { origin: third!.origin, seq: 5, problem: 'hash_mismatch' },
  ]);
});

test('the migration chains the ops of a database written before hash chains, every origin on its own', () => {
  const db = new Database(':memory:');
  for (const migration of MIGRATIONS.slice(0, 2)) db.exec(migration as string);
  db.pragma('user_version = 2');
  // As the old commit wrote them: a hash over the body text, no chain. Two origins, as after a restore.
  const insert = db.prepare(
    "INSERT INTO ops (origin, seq, hlc, author, type, entity, body, hash) VALUES (?, ?, ?, NULL, 'team.updated', ?, ?, 'old')",
  );
  for (const origin of ['a'.repeat(32), 'b'.repeat(32)]) {
    for (let seq = 1; seq <= 3; seq++)
      insert.run(origin, seq, `0000000000${seq}00000`, newId(), JSON.stringify({ displayName: `Crew ${seq}` }));
  }
  migrate(db);
  const ops = storedOps(db);
  assert.equal(ops.length, 6);
  for (const op of ops) {
    const previous = op.seq === 1 ? CHAIN_START : ops.find((other) => other.origin === op.origin && other.seq === op.seq - 1)!.hash;
    assert.equal(op.hash, opHash(op, bodyDigest(JSON.parse(op.body)), previous));
  }
  assert.deepEqual(verifyChains(db).problems, []);
  db.close();
});
