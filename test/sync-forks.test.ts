/**
 * Forks found by sync are kept once: the other copy of an op in the op log's quarantined_ops,
 * beside the forks the foreign-op path finds itself, and sync keeps only which origin it no
 * longer takes from which peer. A database that kept them in sync's own table moves them over.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { openDatabase, sql } from '../src/store/database.js';
import { MIGRATIONS } from '../src/store/migrations.js';
import { quarantinedOps } from '../src/store/op-log.js';
import { OriginKeys } from '../src/sync/head-signatures.js';
import { IntakeQueue } from '../src/sync/intake.js';
import { packOps } from '../src/sync/messages.js';
import { startSyncBox } from './helpers/sync-box.js';

test("sync forks kept in the old sync_quarantine move to the op log's quarantine and the per-peer refusals", () => {
  const dir = mkdtempSync(join(tmpdir(), 'hail-forks-'));
  const file = join(dir, 'hail.db');
  try {
    // A database as the version before kept it, with one forked op and one forked origin record.
    const old = new Database(file);
    const before =
      MIGRATIONS.findIndex((migration) => typeof migration === 'string' && migration.includes('CREATE TABLE sync_quarantine')) + 1;
    assert.ok(before > 0);
    for (const migration of MIGRATIONS.slice(0, before)) {
      if (typeof migration === 'string') old.exec(migration);
      else migration(old);
    }
    old.pragma(`user_version = ${before}`);
    const origin = 'a'.repeat(32);
    const wire = {
      origin,
      seq: 3,
      hlc: '0000000001:0000',
      author: null,
      type: 'post.created',
      entity: 'e',
      bodyText: '{"message":"the other copy"}',
    };
    const insert = old.prepare('INSERT INTO sync_quarantine (peer, origin, seq, hash, op, found_at) VALUES (?, ?, ?, ?, ?, ?)');
    insert.run('peer1', origin, 3, 'H'.repeat(43), JSON.stringify(wire), 1000);
    insert.run('peer2', 'b'.repeat(32), 0, '', 'the origin record names another node key', 2000);
    old.close();

    const db = openDatabase(file);
    try {
      assert.deepEqual(quarantinedOps(db), [{ origin, seq: 3, hash: 'H'.repeat(43), receivedAt: 1000 }]);
      assert.equal(sql<[], { body: string }>(db, 'SELECT body FROM quarantined_ops').get()!.body, '{"message":"the other copy"}');
      assert.deepEqual(sql(db, 'SELECT peer, origin, seq, found_at FROM sync_forked_origins ORDER BY peer').all(), [
        { peer: 'peer1', origin, seq: 3, found_at: 1000 },
        { peer: 'peer2', origin: 'b'.repeat(32), seq: 0, found_at: 2000 },
      ]);
      assert.equal(sql(db, "SELECT name FROM sqlite_master WHERE name = 'sync_quarantine'").get(), undefined, 'no second copy');
    } finally {
      db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("an op a peer sends with other content than the one held is kept once, in the op log's quarantine, and its origin refused from that peer", async () => {
  const box = await startSyncBox('shore');
  try {
    const { userId, channelId } = await box.setup();
    await box.post(userId, channelId, 'the copy held here');
    const held = box.store.opsFor({}, 10, new Set()).at(-1)!;
    const other = { ...held, bodyText: held.bodyText.replace('the copy held here', 'another copy') };
    const { origins, tuples } = packOps([other]);
    const intake = new IntakeQueue(box.writer.db, box.store, new OriginKeys(box.writer.db), 'peer-x', Date.now);
    const { ready, forks } = intake.take({ t: 'ops', n: 1, o: origins, records: [], ops: tuples, heads: [] });
    assert.equal(ready.length, 0);
    assert.equal(forks.length, 1);
    const [kept] = quarantinedOps(box.writer.db);
    assert.deepEqual(
      { origin: kept?.origin, seq: kept?.seq, hash: kept?.hash },
      { origin: held.origin, seq: held.seq, hash: forks[0]!.receivedHash },
    );
    assert.deepEqual(sql(box.writer.db, 'SELECT peer, origin, seq FROM sync_forked_origins').all(), [
      { peer: 'peer-x', origin: held.origin, seq: held.seq },
    ]);
    // The refusal outlives the link: the next link with that peer starts with the origin refused.
    assert.deepEqual(new IntakeQueue(box.writer.db, box.store, new OriginKeys(box.writer.db), 'peer-x', Date.now).forkedOrigins, [
      held.origin,
    ]);
    assert.equal(box.store.hashAt(held.origin, held.seq) !== forks[0]!.receivedHash, true, 'nothing held overwritten');
  } finally {
    await box.dispose();
  }
});
