/**
 * The fold does not depend on arrival order (core/op.ts, "Delivery contract"): random histories
 * of ops written concurrently on 2 to 4 boxes, every op kind, folded in many orders that keep
 * each box's own order but interleave the boxes at random (and deliver some ops twice), must
 * all end with the same replicated tables.
 *
 * Histories are drawn from small pools of ids and names, so that ops collide: two `alice`s, two
 * `crew` teams, a leave against a join, an edit before its post's create arrives, a post sent
 * twice through two boxes. Authorization is not applied (a box applies what another box
 * authorized), so histories also hold ops no single box would have allowed: convergence must
 * hold for them too.
 *
 * Seeds 1 to HAIL_FOLD_RUNS (default 1000) run in `npm test`; HAIL_FOLD_FROM moves the range to
 * explore others, and HAIL_FOLD_SEED=n replays one history (a failure prints the command; scripts/debian13
 * clears the environment, hence its `env`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeHlc } from '../src/core/hlc.js';
import type { Op } from '../src/core/op.js';
import { conversationId } from '../src/core/ops/channel-created.js';
import { canonicalDump, clearReplica, emptyReplica, fold, makeOp } from './helpers/fold.js';
import { prng } from './helpers/prng.js';

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const chance = (random: Random, p: number): boolean => random() < p;

const id = (kind: number, n: number): string =>
  `0190${kind.toString(16).padStart(4, '0')}-${n.toString(16).padStart(4, '0')}-7000-8000-000000000000`;
const USERS = [0, 1, 2, 3, 4, 5].map((n) => id(1, n));
const USERNAMES = ['admin', 'alice', 'bob', 'alice', 'carol', 'bob'];
const TEAMS = [0, 1, 2].map((n) => id(2, n));
const TEAM_NAMES = ['crew', 'crew', 'deck'];
const DEFAULT_CHANNELS = TEAMS.map((_, n) => id(3, n));
const CHANNELS = [0, 1, 2, 3, 4].map((n) => id(4, n));
const CHANNEL_NAMES = ['weather', 'weather', 'nav', 'galley', 'nav'];
const INVITES = [0, 1, 2].map((n) => id(5, n));
const POSTS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => id(6, n));
const ROLES = ['admin', 'member', 'guest'] as const;
const HASHES = ['a', 'b'].map((c) => `scrypt$16384$8$1$${c.repeat(22)}$${'k'.repeat(43)}`);
const MESSAGES = ['fair winds', 'reef at 20 knots @alice', '@all anchor up', 'galley closed @bob.', 'ok'];
const DIRECT_PAIRS = [
  [USERS[0]!, USERS[1]!],
  [USERS[1]!, USERS[2]!],
  [USERS[2]!, USERS[3]!],
].map((pair) => pair.sort());
const GROUP = [USERS[1]!, USERS[3]!, USERS[4]!].sort();
const CONVERSATIONS = [...DIRECT_PAIRS.map((pair) => conversationId('direct', pair)), conversationId('group', GROUP)];
const FILES = [{ hash: 'a'.repeat(64), name: 'weather.grb', type: 'application/octet-stream', size: 4096 }];

interface Draft {
  author: string | null;
  type: string;
  entity: string;
  body: unknown;
}

/** What one history has created so far: creates happen once, except the retries that really happen. */
const PICTURES = [null, { large: 'a'.repeat(64), small: 'b'.repeat(64) }, { large: 'c'.repeat(64), small: 'd'.repeat(64) }];

interface Created {
  users: Set<string>;
  teams: Set<string>;
  channels: Set<string>;
  invites: Set<string>;
  posts: Map<string, Draft>;
}

const teamChannel = (random: Random) => pick(random, [...CHANNELS, ...DEFAULT_CHANNELS]);
const anyChannel = (random: Random) => (chance(random, 0.2) ? pick(random, CONVERSATIONS) : teamChannel(random));

/** One op of a random kind; undefined when the kind drawn has nothing left to create. */
function draft(random: Random, created: Created): Draft | undefined {
  const author = pick(random, USERS);
  const kind = Math.floor(random() * 22);
  switch (kind) {
    case 0: {
      const index = Math.floor(random() * USERS.length);
      const user = USERS[index]!;
      if (created.users.has(user)) return undefined;
      created.users.add(user);
      const inviteId = chance(random, 0.3) ? pick(random, INVITES) : null;
      const body = {
        username: USERNAMES[index]!,
        displayName: `User ${index}`,
        role: pick(random, ROLES),
        passwordHash: HASHES[0]!,
        inviteId,
      };
      return { author: user, type: 'user.created', entity: user, body };
    }
    case 1:
      return { author, type: 'user.updated', entity: pick(random, USERS), body: { displayName: pick(random, ['Skipper', 'Mate']) } };
    case 2:
      return { author, type: 'user.password-set', entity: pick(random, USERS), body: { passwordHash: pick(random, HASHES) } };
    case 3:
      return { author, type: 'user.role-set', entity: pick(random, USERS), body: { role: pick(random, ROLES) } };
    case 4:
      return { author, type: 'user.active-set', entity: pick(random, USERS), body: { active: chance(random, 0.5) } };
    case 21:
      return { author, type: 'user.picture-set', entity: pick(random, USERS), body: { picture: pick(random, PICTURES) } };
    case 5: {
      const invite = pick(random, INVITES);
      if (created.invites.has(invite)) return undefined;
      created.invites.add(invite);
      const body = {
        tokenHash: invite.replace(/-/g, '').padEnd(43, 'x'),
        teamId: pick(random, TEAMS),
        role: pick(random, ROLES),
        lifetimeHours: null,
        maxUses: null,
      };
      return { author, type: 'invite.created', entity: invite, body };
    }
    case 6:
      return { author, type: 'invite.revoked', entity: pick(random, INVITES), body: {} };
    case 7: {
      const index = Math.floor(random() * TEAMS.length);
      const team = TEAMS[index]!;
      if (created.teams.has(team)) return undefined;
      created.teams.add(team);
      return {
        author,
        type: 'team.created',
        entity: team,
        body: { name: TEAM_NAMES[index]!, displayName: `Team ${index}`, defaultChannelId: DEFAULT_CHANNELS[index]! },
      };
    }
    case 8:
      return { author, type: 'team.updated', entity: pick(random, TEAMS), body: { displayName: pick(random, ['Crew', 'Shore']) } };
    case 9:
      return {
        author,
        type: 'team.member-set',
        entity: pick(random, TEAMS),
        body: { userId: pick(random, USERS), member: chance(random, 0.6) },
      };
    case 10: {
      if (chance(random, 0.3)) {
        // A conversation: every box that opens it makes the same channel.
        const type = chance(random, 0.25) ? 'group' : 'direct';
        const members = type === 'group' ? GROUP : pick(random, DIRECT_PAIRS);
        const body = { type, teamId: null, name: '', displayName: '', header: '', purpose: '', memberIds: members };
        return { author: pick(random, members), type: 'channel.created', entity: conversationId(type, members), body };
      }
      const index = Math.floor(random() * CHANNELS.length);
      const channel = CHANNELS[index]!;
      if (created.channels.has(channel)) return undefined;
      created.channels.add(channel);
      const body = {
        type: pick(random, ['public', 'private']),
        teamId: pick(random, TEAMS),
        name: CHANNEL_NAMES[index]!,
        displayName: `Channel ${index}`,
        header: '',
        purpose: '',
        memberIds: [],
      };
      return { author, type: 'channel.created', entity: channel, body };
    }
    case 11: {
      const body = {
        name: pick(random, CHANNEL_NAMES),
        displayName: pick(random, ['Weather', 'Plans']),
        header: pick(random, ['', 'VHF 72']),
        purpose: '',
      };
      return { author, type: 'channel.updated', entity: teamChannel(random), body };
    }
    case 12:
      return { author, type: 'channel.archived-set', entity: anyChannel(random), body: { archived: chance(random, 0.5) } };
    case 13:
      return {
        author,
        type: 'channel.member-set',
        entity: anyChannel(random),
        body: { userId: pick(random, USERS), member: chance(random, 0.6) },
      };
    case 14:
      // A settled read position (core/read-marks.ts) is earlier than the op, here by up to 40 ms:
      // across boxes a later op may carry an earlier position, which must not move the mark back.
      return {
        author,
        type: 'channel.viewed',
        entity: anyChannel(random),
        body: chance(random, 0.5) ? { upTo: encodeHlc({ ms: 1_800_000_000_000 + Math.floor(random() * 40), counter: 0 }) } : {},
      };
    case 15:
      return {
        author,
        type: 'channel.notify-set',
        entity: anyChannel(random),
        body: { level: pick(random, ['default', 'all', 'mentions', 'none']), muted: chance(random, 0.3) },
      };
    case 16: {
      const post = pick(random, POSTS);
      const first = created.posts.get(post);
      // A retried send through another box: the same post, the same body, another op.
      if (first) return chance(random, 0.3) ? first : undefined;
      const rootId = chance(random, 0.3) ? pick(random, POSTS) : null;
      const files = chance(random, 0.2) ? { files: FILES } : {};
      const body = { channelId: anyChannel(random), message: pick(random, MESSAGES), rootId: rootId === post ? null : rootId, ...files };
      const made = { author, type: 'post.created', entity: post, body };
      created.posts.set(post, made);
      return made;
    }
    case 17:
      return { author, type: 'post.edited', entity: pick(random, POSTS), body: { message: pick(random, MESSAGES) } };
    case 18:
      return { author, type: 'post.deleted', entity: pick(random, POSTS), body: {} };
    case 19:
      return {
        author,
        type: 'reaction.set',
        entity: pick(random, POSTS),
        body: { emoji: pick(random, ['sunny', 'anchor']), active: chance(random, 0.6) },
      };
    default:
      return { author, type: 'pin.set', entity: pick(random, POSTS), body: { pinned: chance(random, 0.6) } };
  }
}

/** Each box's ops, in the order that box wrote them. */
function history(seed: number): Op[][] {
  const random = prng(seed);
  const created: Created = { users: new Set(), teams: new Set(), channels: new Set(), invites: new Set(), posts: new Map() };
  const boxes = 2 + Math.floor(random() * 3);
  const logs: Op[][] = [];
  for (let box = 0; box < boxes; box++) {
    const origin = box.toString(16).repeat(32);
    let ms = 1_800_000_000_000 + Math.floor(random() * 20);
    const ops: Op[] = [];
    const count = 3 + Math.floor(random() * 14);
    while (ops.length < count) {
      const next = draft(random, created);
      if (!next) continue;
      // Steps of 0 give the same hlc on two boxes: the origin then breaks the tie.
      ms += Math.floor(random() * 4);
      ops.push(makeOp(origin, ops.length + 1, ms, next.author, next.type, next.entity, next.body));
    }
    logs.push(ops);
  }
  return logs;
}

/** A delivery order the contract allows: each box's ops in its own order, boxes interleaved, some ops twice. */
function interleave(random: Random, logs: readonly Op[][], duplicates: boolean): Op[] {
  const cursors = logs.map(() => 0);
  const order: Op[] = [];
  const total = logs.reduce((sum, log) => sum + log.length, 0);
  while (order.length < total) {
    const box = pick(
      random,
      logs.map((_, index) => index).filter((index) => cursors[index]! < logs[index]!.length),
    );
    order.push(logs[box]![cursors[box]!++]!);
  }
  if (duplicates) {
    for (let n = Math.floor(random() * 4); n > 0; n--) {
      const at = Math.floor(random() * order.length);
      order.splice(at + 1 + Math.floor(random() * (order.length - at)), 0, order[at]!);
    }
  }
  return order;
}

const ORDERS_PER_HISTORY = 5;

function firstDifference(expected: Record<string, unknown[][]>, actual: Record<string, unknown[][]>): string | undefined {
  for (const table of Object.keys(expected)) {
    const want = expected[table]!.map((row) => JSON.stringify(row));
    const got = actual[table]!.map((row) => JSON.stringify(row));
    if (want.join('\n') === got.join('\n')) continue;
    const missing = want.filter((row) => !got.includes(row));
    const extra = got.filter((row) => !want.includes(row));
    return `${table}:\n  in the first order only: ${missing.join('\n    ')}\n  in this order only: ${extra.join('\n    ')}`;
  }
  return undefined;
}

const describeOp = (op: Op) => `${op.origin.slice(0, 1)}/${op.seq} ${op.hlc} ${op.type} ${op.entity} ${JSON.stringify(op.body)}`;

function checkHistory(seed: number, replica: ReturnType<typeof emptyReplica>): string | undefined {
  const logs = history(seed);
  const random = prng(seed ^ 0x5eed);
  let first: Record<string, unknown[][]> | undefined;
  let firstOrder: Op[] = [];
  for (let n = 0; n < ORDERS_PER_HISTORY; n++) {
    const order = n === 0 ? logs.flat() : interleave(random, logs, n === ORDERS_PER_HISTORY - 1);
    clearReplica(replica);
    const dump = canonicalDump(fold(order, replica));
    if (!first) {
      first = dump;
      firstOrder = order;
      continue;
    }
    const difference = firstDifference(first, dump);
    if (difference) {
      return [
        `history ${seed} ends differently in two delivery orders. Replay it after a build with:\n  scripts/debian13 env HAIL_FOLD_SEED=${seed} node --test build/test/fold-order.test.js`,
        difference,
        `first order:\n  ${firstOrder.map(describeOp).join('\n  ')}`,
        `this order:\n  ${order.map(describeOp).join('\n  ')}`,
      ].join('\n');
    }
  }
  return undefined;
}

test('every delivery order of concurrent ops from 2 to 4 boxes folds to the same replicated state', () => {
  const only = process.env.HAIL_FOLD_SEED;
  const from = Number(process.env.HAIL_FOLD_FROM ?? 1);
  const runs = Number(process.env.HAIL_FOLD_RUNS ?? 1000);
  const seeds = only !== undefined ? [Number(only)] : Array.from({ length: runs }, (_, n) => from + n);
  const replica = emptyReplica();
  for (const seed of seeds) {
    const failure = checkHistory(seed, replica);
    if (failure) assert.fail(failure);
  }
});

test('a read mark never moves back: a later op carrying an earlier position (settled on another box) loses', () => {
  const channel = 'c'.repeat(26);
  const reader = 'u'.repeat(26);
  const at = (ms: number) => encodeHlc({ ms: 1_800_000_000_000 + ms, counter: 0 });
  const furthest = makeOp('a'.repeat(32), 1, 1_800_000_000_100, reader, 'channel.viewed', channel, { upTo: at(90) });
  const laterButBehind = makeOp('b'.repeat(32), 1, 1_800_000_000_200, reader, 'channel.viewed', channel, { upTo: at(50) });
  for (const order of [
    [furthest, laterButBehind],
    [laterButBehind, furthest],
  ]) {
    const mark = fold(order)
      .prepare('SELECT last_viewed_hlc FROM channel_members WHERE channel_id = ? AND user_id = ?')
      .pluck()
      .get(channel, reader);
    assert.equal(mark, at(90));
  }
});
