/**
 * Group commit: the commands of one event-loop turn share a transaction, and a command that
 * fails leaves nothing behind while the others of its batch still commit. Uses the real
 * Committer on a real database, without the server.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openWriter } from '../src/core/writer.js';
import { newId } from '../src/core/ids.js';
import { sql } from '../src/store/database.js';

const HASH = `scrypt$16384$8$1$${'s'.repeat(22)}$${'k'.repeat(43)}`;

const firstAdmin = (userId: string, username: string, role: 'admin' | 'member' = 'admin') => ({
  type: 'user.created',
  entity: userId,
  body: { username, displayName: username, role, passwordHash: HASH, inviteId: null },
});

test('a command that fails after writing part of its ops rolls back alone; its batch still commits the others', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hail-commit-'));
  const errors: unknown[] = [];
  const { db, committer } = openWriter(dataDir, () => Date.now(), (error) => errors.push(error));
  t.after(() => {
    db.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const alice = newId();
  const bob = newId();
  // Queued in one turn, so one batch: refused before writing anything, refused at its second
  // op after its first was written, and a command that stands only if the second left nothing.
  const refused = committer.commit({ author: newId(), grant: { kind: 'setup' }, ops: [firstAdmin(newId(), 'carol', 'member')] });
  const half = committer.commit({ author: alice, grant: { kind: 'setup' }, ops: [firstAdmin(alice, 'alice'), firstAdmin(newId(), 'alice')] });
  const whole = committer.commit({ author: bob, grant: { kind: 'setup' }, ops: [firstAdmin(bob, 'bob')] });

  await assert.rejects(refused, { code: 'invalid_setup' });
  await assert.rejects(half, { code: 'username_taken' });
  const entries = await whole;
  assert.deepEqual(entries.map(({ op }) => [op.seq, op.entity]), [[1, bob]]);
  assert.deepEqual(sql(db, 'SELECT id FROM users').all(), [{ id: bob }]);
  assert.deepEqual(sql(db, 'SELECT seq, entity FROM ops').all(), [{ seq: 1, entity: bob }]);
  assert.deepEqual(sql(db, 'SELECT feed_seq, seq FROM feed').all(), [{ feed_seq: 1, seq: 1 }]);
  assert.deepEqual(errors, []);
});
