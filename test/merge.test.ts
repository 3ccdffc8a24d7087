/**
 * The fold converges: the same ops applied in different orders (as two boxes receive them
 * after a partition) give identical state tables, and the state they settle on is the one
 * intended. Uses the real op kinds on real SQLite databases, without the server; random
 * histories are test/fold-order.test.ts's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Db } from '../src/store/database.js';
import { REPLICATED_TABLES } from '../src/store/migrations.js';
import type { Op } from '../src/core/op.js';
import { conversationId } from '../src/core/ops/channel-created.js';
import { fold, makeOp } from './helpers/fold.js';

const ORIGIN_A = 'a'.repeat(32);
const ORIGIN_B = 'b'.repeat(32);
const ORIGIN_C = 'c'.repeat(32);
const ids = {
  admin: '00000000-0000-7000-8000-000000000001',
  alice1: '00000000-0000-7000-8000-0000000000a1',
  alice2: '00000000-0000-7000-8000-0000000000a2',
  bob: '00000000-0000-7000-8000-0000000000b1',
  deck1: '00000000-0000-7000-8000-000000000012',
  deckGeneral1: '00000000-0000-7000-8000-000000000013',
  deck2: '00000000-0000-7000-8000-000000000014',
  deckGeneral2: '00000000-0000-7000-8000-000000000015',
  plans: '00000000-0000-7000-8000-000000000023',
  team: '00000000-0000-7000-8000-000000000010',
  general: '00000000-0000-7000-8000-000000000011',
  weather1: '00000000-0000-7000-8000-000000000021',
  weather2: '00000000-0000-7000-8000-000000000022',
  post: '00000000-0000-7000-8000-000000000031',
};
const HASH = `scrypt$16384$8$1$${'s'.repeat(22)}$${'k'.repeat(43)}`;

let clock = 0;
const op = (
  origin: string,
  seq: number,
  author: string,
  type: string,
  entity: string,
  body: unknown,
  ms = 1_800_000_000_000 + ++clock,
): Op => makeOp(origin, seq, ms, author, type, entity, body);

function dump(db: Db): Record<string, unknown[]> {
  return Object.fromEntries(REPLICATED_TABLES.map((table) => [table, db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all()]));
}

const base = [
  op(ORIGIN_A, 1, ids.admin, 'user.created', ids.admin, {
    username: 'admin',
    displayName: 'Admin',
    role: 'admin',
    passwordHash: HASH,
    inviteId: null,
  }),
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
    op(ORIGIN_A, 4, ids.alice1, 'user.created', ids.alice1, {
      username: 'alice',
      displayName: 'Alice A',
      role: 'member',
      passwordHash: HASH,
      inviteId: null,
    }),
    op(ORIGIN_B, 1, ids.alice2, 'user.created', ids.alice2, {
      username: 'alice',
      displayName: 'Alice B',
      role: 'member',
      passwordHash: HASH,
      inviteId: null,
    }),
  ]);
  const names = (state.users as { id: string; username: string }[])
    .filter((user) => user.id !== ids.admin)
    .map((user) => user.username)
    .sort();
  assert.equal(names[0], 'alice');
  assert.match(names[1]!, /^alice-[0-9a-f]{6}$/);
});

test('a username someone asked for that equals the suffix a clash gave another alice stays unique, the same everywhere', () => {
  const carol = '00000000-0000-7000-8000-0000000000c1';
  const user = (origin: string, id: string, username: string) =>
    op(origin, 4, id, 'user.created', id, { username, displayName: username, role: 'member', passwordHash: HASH, inviteId: null });
  // The later alice is suffixed from her id's tail: exactly the name carol took on a third box.
  const state = assertConverges([
    user(ORIGIN_A, ids.alice1, 'alice'),
    user(ORIGIN_B, ids.alice2, 'alice'),
    user(ORIGIN_C, carol, 'alice-0000a2'),
  ]);
  const names = (state.users as { username: string }[]).map((row) => row.username);
  assert.equal(new Set(names).size, names.length, `usernames: ${names.join(', ')}`);
  assert.ok(names.includes('alice'));
});

test('two #weather channels made on two boxes settle to one weather and one suffixed name', () => {
  const channel = (origin: string, id: string) =>
    op(origin, 9, ids.admin, 'channel.created', id, {
      type: 'public',
      teamId: ids.team,
      name: 'weather',
      displayName: 'Weather',
      header: '',
      purpose: '',
      memberIds: [],
    });
  const state = assertConverges([channel(ORIGIN_A, ids.weather1), channel(ORIGIN_B, ids.weather2)]);
  const names = (state.channels as { name: string }[])
    .map((row) => row.name)
    .filter((name) => name.startsWith('weather'))
    .sort();
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
  const dm = (origin: string) =>
    op(origin, 7, ids.admin, 'channel.created', id, {
      type: 'direct',
      teamId: null,
      name: '',
      displayName: '',
      header: '',
      purpose: '',
      memberIds: members,
    });
  const state = assertConverges([dm(ORIGIN_A), dm(ORIGIN_B)]);
  assert.equal((state.channels as { type: string }[]).filter((row) => row.type === 'direct').length, 1);
});

test('a post sent twice through two boxes (a retried send) is one post, the same everywhere', () => {
  const id = '00000000-0000-7000-8000-000000000041';
  const send = (origin: string, ms: number) =>
    op(origin, 20, ids.admin, 'post.created', id, { channelId: ids.general, message: 'hello @all', rootId: null }, ms);
  const state = assertConverges([send(ORIGIN_A, 1_850_000_000_000), send(ORIGIN_B, 1_850_000_000_500)]);
  assert.equal((state.posts as { id: string }[]).filter((post) => post.id === id).length, 1);
  assert.equal((state.post_mentions as { post_id: string }[]).filter((mention) => mention.post_id === id).length, 1);
});

// Bob is a member of the crew team and in its general channel; #weather exists in the team.
const withBob = [
  ...base,
  op(ORIGIN_A, 4, ids.admin, 'user.created', ids.bob, {
    username: 'bob',
    displayName: 'Bob',
    role: 'member',
    passwordHash: HASH,
    inviteId: null,
  }),
  op(ORIGIN_A, 5, ids.admin, 'team.member-set', ids.team, { userId: ids.bob, member: true }),
  op(ORIGIN_A, 6, ids.admin, 'channel.created', ids.weather1, {
    type: 'public',
    teamId: ids.team,
    name: 'weather',
    displayName: 'Weather',
    header: '',
    purpose: '',
    memberIds: [],
  }),
];

/** Folds the shared history, then the concurrent ops in each order; both must agree. */
function settle(shared: readonly Op[], concurrent: Op[]): Db {
  const forward = fold([...shared, ...concurrent]);
  const backward = fold([...shared, ...[...concurrent].reverse()]);
  assert.deepEqual(dump(backward), dump(forward));
  return forward;
}

const memberActive = (db: Db, channelId: string, userId: string): number | undefined =>
  (
    db.prepare('SELECT active FROM channel_members WHERE channel_id = ? AND user_id = ?').get(channelId, userId) as
      { active: number } | undefined
  )?.active;

test('a team leave on one box against an older channel join on another leaves bob out of the channel, in either order', () => {
  const state = settle(withBob, [
    op(ORIGIN_B, 1, ids.bob, 'channel.member-set', ids.weather1, { userId: ids.bob, member: true }, 1_850_000_000_000),
    op(ORIGIN_C, 1, ids.bob, 'team.member-set', ids.team, { userId: ids.bob, member: false }, 1_860_000_000_000),
  ]);
  assert.equal(memberActive(state, ids.weather1, ids.bob), 0);
  assert.equal(memberActive(state, ids.general, ids.bob), 0);
});

test('a channel join newer than a concurrent team leave counts, in either order', () => {
  const state = settle(withBob, [
    op(ORIGIN_B, 1, ids.bob, 'channel.member-set', ids.weather1, { userId: ids.bob, member: true }, 1_870_000_000_000),
    op(ORIGIN_C, 1, ids.bob, 'team.member-set', ids.team, { userId: ids.bob, member: false }, 1_860_000_000_000),
  ]);
  assert.equal(memberActive(state, ids.weather1, ids.bob), 1);
  assert.equal(memberActive(state, ids.general, ids.bob), 0);
});

test('a role change to guest against a later team join keeps the guest out of the default channel, in either order', () => {
  const withoutTeam = [
    ...base,
    op(ORIGIN_A, 4, ids.admin, 'user.created', ids.bob, {
      username: 'bob',
      displayName: 'Bob',
      role: 'member',
      passwordHash: HASH,
      inviteId: null,
    }),
  ];
  const state = settle(withoutTeam, [
    op(ORIGIN_B, 1, ids.admin, 'user.role-set', ids.bob, { role: 'guest' }, 1_850_000_000_000),
    op(ORIGIN_C, 1, ids.admin, 'team.member-set', ids.team, { userId: ids.bob, member: true }, 1_860_000_000_000),
  ]);
  assert.equal(memberActive(state, ids.general, ids.bob), 0);
  assert.equal((state.prepare('SELECT active FROM team_members WHERE user_id = ?').get(ids.bob) as { active: number }).active, 1);
});

test('a member made a guest after joining keeps the default channel, in either order', () => {
  const withoutTeam = [
    ...base,
    op(ORIGIN_A, 4, ids.admin, 'user.created', ids.bob, {
      username: 'bob',
      displayName: 'Bob',
      role: 'member',
      passwordHash: HASH,
      inviteId: null,
    }),
  ];
  const state = settle(withoutTeam, [
    op(ORIGIN_B, 1, ids.admin, 'user.role-set', ids.bob, { role: 'guest' }, 1_870_000_000_000),
    op(ORIGIN_C, 1, ids.admin, 'team.member-set', ids.team, { userId: ids.bob, member: true }, 1_860_000_000_000),
  ]);
  assert.equal(memberActive(state, ids.general, ids.bob), 1);
});

test('a channel created by someone who concurrently leaves the team is left with the team, in either order', () => {
  const state = settle(withBob, [
    op(
      ORIGIN_B,
      1,
      ids.bob,
      'channel.created',
      ids.plans,
      { type: 'private', teamId: ids.team, name: 'plans', displayName: 'Plans', header: '', purpose: '', memberIds: [] },
      1_850_000_000_000,
    ),
    op(ORIGIN_C, 1, ids.bob, 'team.member-set', ids.team, { userId: ids.bob, member: false }, 1_860_000_000_000),
  ]);
  assert.equal(memberActive(state, ids.plans, ids.bob), 0);
  assert.equal(
    (state.prepare('SELECT creator_id FROM channels WHERE id = ?').get(ids.plans) as { creator_id: string }).creator_id,
    ids.bob,
  );
});

test('two teams named deck made on two boxes settle to one deck and one suffixed name, the same everywhere', () => {
  const team = (origin: string, id: string, general: string, ms: number) =>
    op(origin, 1, ids.admin, 'team.created', id, { name: 'deck', displayName: 'Deck', defaultChannelId: general }, ms);
  const state = assertConverges([
    team(ORIGIN_B, ids.deck1, ids.deckGeneral1, 1_850_000_000_000),
    team(ORIGIN_C, ids.deck2, ids.deckGeneral2, 1_860_000_000_000),
  ]);
  const teams = state.teams as { id: string; name: string }[];
  assert.equal(teams.find((row) => row.id === ids.deck1)!.name, 'deck');
  assert.match(teams.find((row) => row.id === ids.deck2)!.name, /^deck-[0-9a-f]{6}$/);
});

test('a delete that arrives before its post is created leaves the post deleted', () => {
  const id = '00000000-0000-7000-8000-000000000042';
  const create = op(
    ORIGIN_B,
    1,
    ids.admin,
    'post.created',
    id,
    { channelId: ids.general, message: 'secret @admin', rootId: null },
    1_850_000_000_000,
  );
  const remove = op(ORIGIN_C, 1, ids.admin, 'post.deleted', id, {}, 1_860_000_000_000);
  const early = dump(fold([...base, remove, create]));
  assert.deepEqual(early, dump(fold([...base, create, remove])));
  const post = (early.posts as { id: string; deleted: number; message: string }[]).find((row) => row.id === id)!;
  assert.equal(post.deleted, 1);
  assert.equal(post.message, '');
  assert.equal((early.post_mentions as { post_id: string }[]).filter((row) => row.post_id === id).length, 0);
});

test('an edit, a pin and a role change that arrive before what they change take effect when it is created', () => {
  const id = '00000000-0000-7000-8000-000000000043';
  const create = op(
    ORIGIN_B,
    1,
    ids.admin,
    'post.created',
    id,
    { channelId: ids.general, message: 'first', rootId: null },
    1_850_000_000_000,
  );
  const edit = op(ORIGIN_C, 1, ids.admin, 'post.edited', id, { message: 'second' }, 1_860_000_000_000);
  const pin = op(ORIGIN_C, 2, ids.admin, 'pin.set', id, { pinned: true }, 1_860_000_000_001);
  const bob = op(
    ORIGIN_B,
    2,
    ids.admin,
    'user.created',
    ids.bob,
    { username: 'bob', displayName: 'Bob', role: 'member', passwordHash: HASH, inviteId: null },
    1_850_000_000_002,
  );
  const demote = op(ORIGIN_C, 3, ids.admin, 'user.role-set', ids.bob, { role: 'guest' }, 1_860_000_000_002);
  const early = dump(fold([...base, edit, pin, demote, create, bob]));
  assert.deepEqual(early, dump(fold([...base, create, bob, edit, pin, demote])));
  assert.equal((early.posts as { id: string; message: string }[]).find((row) => row.id === id)!.message, 'second');
  assert.equal((early.pins as { post_id: string; pinned: number }[]).find((row) => row.post_id === id)!.pinned, 1);
  assert.equal((early.users as { id: string; role: string }[]).find((row) => row.id === ids.bob)!.role, 'guest');
  assert.equal(early.parked_ops!.length, 0);
});

test('an account made by a guest invite joins the team but not its default channel, whether the invite arrives first or last', () => {
  const invite = '00000000-0000-7000-8000-000000000051';
  const created = op(
    ORIGIN_B,
    1,
    ids.admin,
    'invite.created',
    invite,
    { tokenHash: 't'.repeat(43), teamId: ids.team, role: 'guest', lifetimeHours: null, maxUses: null },
    1_850_000_000_000,
  );
  const guest = op(
    ORIGIN_C,
    1,
    ids.bob,
    'user.created',
    ids.bob,
    { username: 'bob', displayName: 'Bob', role: 'guest', passwordHash: HASH, inviteId: invite },
    1_860_000_000_000,
  );
  const state = settle(base, [created, guest]);
  assert.equal((state.prepare('SELECT active FROM team_members WHERE user_id = ?').get(ids.bob) as { active: number }).active, 1);
  assert.equal(memberActive(state, ids.general, ids.bob) ?? 0, 0);
});
