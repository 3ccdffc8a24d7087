/**
 * The fold converges: the same ops applied in different orders (as two boxes receive them
 * after a partition) give identical state tables. Uses the real op kinds on real SQLite
 * databases, without the server.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { migrate, type Db } from '../src/store/database.js';
import { REPLICATED_TABLES } from '../src/store/migrations.js';
import { OP_KINDS } from '../src/core/ops/index.js';
import type { Op } from '../src/core/op.js';
import { bodyDigest, CHAIN_START, opHash } from '../src/store/op-chain.js';
import { encodeHlc } from '../src/core/hlc.js';
import { conversationId } from '../src/core/ops/channel-created.js';

const ORIGIN_A = 'a'.repeat(32);
const ORIGIN_B = 'b'.repeat(32);
const ids = {
  admin: '00000000-0000-7000-8000-000000000001',
  alice1: '00000000-0000-7000-8000-0000000000a1',
  alice2: '00000000-0000-7000-8000-0000000000a2',
  team: '00000000-0000-7000-8000-000000000010',
  general: '00000000-0000-7000-8000-000000000011',
  weather1: '00000000-0000-7000-8000-000000000021',
  weather2: '00000000-0000-7000-8000-000000000022',
  post: '00000000-0000-7000-8000-000000000031',
};
const HASH = `scrypt$16384$8$1$${'s'.repeat(22)}$${'k'.repeat(43)}`;

let clock = 0;
function op(origin: string, seq: number, author: string, type: string, entity: string, body: unknown, ms = 1_800_000_000_000 + ++clock): Op {
  const head = { origin, seq, hlc: encodeHlc({ ms, counter: 0 }), author, type, entity };
  return { ...head, body, hash: opHash(head, bodyDigest(body), CHAIN_START) };
}

function fold(ops: readonly Op[]): Db {
  const db = new Database(':memory:');
  migrate(db);
  for (const entry of ops) OP_KINDS.get(entry.type)!.apply(db, entry as never);
  return db;
}

function dump(db: Db): Record<string, unknown[]> {
  return Object.fromEntries(REPLICATED_TABLES.map((table) => [table, db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all()]));
}

const base = [
  op(ORIGIN_A, 1, ids.admin, 'user.created', ids.admin, { username: 'admin', displayName: 'Admin', role: 'admin', passwordHash: HASH, inviteId: null }),
  op(ORIGIN_A, 2, ids.admin, 'team.created', ids.team, { name: 'crew', displayName: 'Crew', defaultChannelId: ids.general }),
  op(ORIGIN_A, 3, ids.admin, 'post.created', ids.post, { channelId: ids.general, message: 'original', rootId: null }),
];

function assertConverges(concurrent: Op[]): Record<string, unknown[]> {
  const forward = dump(fold([...base, ...concurrent]));
  const backward = dump(fold([...base, ...[...concurrent].reverse()]));
  assert.deepEqual(backward, forward);
  return forward;
}

test('two people who took the same username during a partition end up with distinct names, the same everywhere', () => {
  const state = assertConverges([
    op(ORIGIN_A, 4, ids.alice1, 'user.created', ids.alice1, { username: 'alice', displayName: 'Alice A', role: 'member', passwordHash: HASH, inviteId: null }),
    op(ORIGIN_B, 1, ids.alice2, 'user.created', ids.alice2, { username: 'alice', displayName: 'Alice B', role: 'member', passwordHash: HASH, inviteId: null }),
  ]);
  const names = (state.users as { id: string; username: string }[]).filter((user) => user.id !== ids.admin).map((user) => user.username).sort();
  assert.equal(names[0], 'alice');
  assert.match(names[1]!, /^alice-[0-9a-f]{6}$/);
});

test('two #weather channels made on two boxes settle to one weather and one suffixed name', () => {
  const channel = (origin: string, id: string) =>
    op(origin, 9, ids.admin, 'channel.created', id, { type: 'public', teamId: ids.team, name: 'weather', displayName: 'Weather', header: '', purpose: '', memberIds: [] });
  const state = assertConverges([channel(ORIGIN_A, ids.weather1), channel(ORIGIN_B, ids.weather2)]);
  const names = (state.channels as { name: string }[]).map((row) => row.name).filter((name) => name.startsWith('weather')).sort();
  assert.equal(names.length, 2);
  assert.equal(names[0], 'weather');
  assert.notEqual(names[1], 'weather');
});

test('a delete beats a concurrent edit, in either order', () => {
  const state = assertConverges([
    op(ORIGIN_B, 1, ids.admin, 'post.edited', ids.post, { message: 'edited later' }, 1_900_000_000_000),
    op(ORIGIN_A, 4, ids.admin, 'post.deleted', ids.post, {}, 1_850_000_000_000),
  ]);
  const post = (state.posts as { id: string; deleted: number; message: string }[]).find((row) => row.id === ids.post)!;
  assert.equal(post.deleted, 1);
  assert.equal(post.message, '');
});

test('concurrent edits keep the later one, and membership and reactions are last-writer-wins', () => {
  const state = assertConverges([
    op(ORIGIN_A, 4, ids.admin, 'post.edited', ids.post, { message: 'first edit' }, 1_850_000_000_000),
    op(ORIGIN_B, 1, ids.admin, 'post.edited', ids.post, { message: 'second edit' }, 1_860_000_000_000),
    op(ORIGIN_A, 5, ids.admin, 'reaction.set', ids.post, { emoji: 'sunny', active: true }, 1_850_000_000_001),
    op(ORIGIN_B, 2, ids.admin, 'reaction.set', ids.post, { emoji: 'sunny', active: false }, 1_860_000_000_001),
    op(ORIGIN_A, 6, ids.admin, 'channel.member-set', ids.general, { userId: ids.admin, member: false }, 1_870_000_000_000),
    op(ORIGIN_B, 3, ids.admin, 'channel.member-set', ids.general, { userId: ids.admin, member: true }, 1_850_000_000_002),
  ]);
  assert.equal((state.posts as { message: string }[])[0]!.message, 'second edit');
  assert.equal((state.reactions as { active: number }[])[0]!.active, 0);
  assert.equal((state.channel_members as { active: number }[])[0]!.active, 0);
});

test('a direct conversation opened on two boxes is one channel', () => {
  const members = [ids.admin, ids.alice1].sort();
  const id = conversationId('direct', members);
  const dm = (origin: string) => op(origin, 7, ids.admin, 'channel.created', id, { type: 'direct', teamId: null, name: '', displayName: '', header: '', purpose: '', memberIds: members });
  const state = assertConverges([dm(ORIGIN_A), dm(ORIGIN_B)]);
  assert.equal((state.channels as { type: string }[]).filter((row) => row.type === 'direct').length, 1);
});

test('a post sent twice through two boxes (a retried send) is one post, the same everywhere', () => {
  const id = '00000000-0000-7000-8000-000000000041';
  const send = (origin: string, ms: number) => op(origin, 20, ids.admin, 'post.created', id, { channelId: ids.general, message: 'hello @all', rootId: null }, ms);
  const state = assertConverges([send(ORIGIN_A, 1_850_000_000_000), send(ORIGIN_B, 1_850_000_000_500)]);
  assert.equal((state.posts as { id: string }[]).filter((post) => post.id === id).length, 1);
  assert.equal((state.post_mentions as { post_id: string }[]).filter((mention) => mention.post_id === id).length, 1);
});
