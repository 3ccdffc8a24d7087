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
import { OP_KINDS } from '../src/core/ops/index.js';
import { findUser } from '../src/core/permissions.js';

const HASH = `scrypt$16384$8$1$${'s'.repeat(22)}$${'k'.repeat(43)}`;

const firstAdmin = (userId: string, username: string, role: 'admin' | 'member' = 'admin') => ({
  type: 'user.created',
  entity: userId,
  body: { username, displayName: username, role, passwordHash: HASH, inviteId: null },
});

test('a command that fails after writing part of its ops rolls back alone; its batch still commits the others', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hail-commit-'));
  const errors: unknown[] = [];
  const { db, committer } = openWriter(
    dataDir,
    () => Date.now(),
    (error) => errors.push(error),
  );
  t.after(() => {
    db.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const alice = newId();
  const bob = newId();
  // Queued in one turn, so one batch: refused before writing anything, refused at its second
  // op after its first was written, and a command that stands only if the second left nothing.
  const refused = committer.commit({ author: newId(), grant: { kind: 'setup' }, ops: [firstAdmin(newId(), 'carol', 'member')] });
  const half = committer.commit({
    author: alice,
    grant: { kind: 'setup' },
    ops: [firstAdmin(alice, 'alice'), firstAdmin(newId(), 'alice')],
  });
  const whole = committer.commit({ author: bob, grant: { kind: 'setup' }, ops: [firstAdmin(bob, 'bob')] });

  await assert.rejects(refused, { code: 'invalid_setup' });
  await assert.rejects(half, { code: 'username_taken' });
  const entries = await whole;
  assert.deepEqual(
    entries.map(({ op }) => [op.seq, op.entity]),
    [[1, bob]],
  );
  assert.deepEqual(sql(db, 'SELECT id FROM users').all(), [{ id: bob }]);
  assert.deepEqual(sql(db, 'SELECT seq, entity FROM ops').all(), [{ seq: 1, entity: bob }]);
  assert.deepEqual(sql(db, 'SELECT feed_seq, seq FROM feed').all(), [{ feed_seq: 1, seq: 1 }]);
  assert.deepEqual(errors, []);
});

test('the permission rule and the idempotence check are apart: commit asks both, in that order; a retry makes no op', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hail-commit-'));
  const { db, committer } = openWriter(
    dataDir,
    () => Date.now(),
    (error) => assert.fail(String(error)),
  );
  t.after(() => {
    db.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const [admin, member, team] = [newId(), newId(), newId()];
  await committer.commit({ author: admin, grant: { kind: 'setup' }, ops: [firstAdmin(admin, 'admin')] });
  await committer.commit({
    author: admin,
    ops: [
      firstAdmin(member, 'member', 'member'),
      { type: 'team.created', entity: team, body: { name: 'crew', displayName: 'Crew', defaultChannelId: newId() } },
    ],
  });
  const rename = { type: 'team.updated', entity: team, body: { displayName: 'Crew' } };
  const teamUpdated = OP_KINDS.get('team.updated')!;
  const context = { db, actor: findUser(db, member), grant: undefined, entity: team, body: rename.body, now: Date.now() };
  assert.throws(() => teamUpdated.authorize(context), { code: 'admin_only' });
  assert.equal(teamUpdated.unchanged!(context), true, 'the state holds this already, whoever asks');
  // The permission rule comes first: a member asking for what already is is still refused.
  await assert.rejects(committer.commit({ author: member, ops: [rename] }), { code: 'admin_only' });
  assert.deepEqual(await committer.commit({ author: admin, ops: [rename] }), [], 'an admin repeating it makes no op');
});
