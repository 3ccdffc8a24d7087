/**
 * The path for ops written on another box: they keep their names and hashes, are taken once,
 * in order and without holes, their chains verified, forks kept aside, clocks bounded, and they
 * change the state as they did where they were written. Two real databases with the real
 * Committer, without servers; the ops travel as the sync layer will read them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openWriter, type Writer } from '../src/core/writer.js';
import { newId } from '../src/core/ids.js';
import type { Op } from '../src/core/op.js';
import type { FeedEntry } from '../src/core/commit.js';
import { ForeignOpError } from '../src/core/foreign-op.js';
import { encodeHlc, hlcMillis, MAX_OBSERVED_LEAD_MS } from '../src/core/hlc.js';
import { applyNowKnown, rebuild } from '../src/core/rebuild.js';
import { Type } from '@sinclair/typebox';
import { defineOp, opVersion, topic, type OpKind } from '../src/core/op.js';
import { OP_KINDS } from '../src/core/ops/index.js';
import { eventFrame } from '../src/realtime/events.js';
import { sql, type Db } from '../src/store/database.js';
import { REPLICATED_TABLES } from '../src/store/migrations.js';
import { bodyDigest, isPurged, opHash } from '../src/store/op-chain.js';
import { chainEnd, feedAfter, opsMissingFrom, quarantinedOps, verifyChains, versionVector } from '../src/store/op-log.js';

const HASH = `scrypt$16384$8$1$${'s'.repeat(22)}$${'k'.repeat(43)}`;

interface Box extends Writer {
  published: FeedEntry[];
}

function openBox(t: { after: (fn: () => void) => void }, now: () => number = Date.now): Box {
  const dataDir = mkdtempSync(join(tmpdir(), 'hail-receive-'));
  const writer = openWriter(dataDir, now, (error) => assert.fail(String(error)));
  const published: FeedEntry[] = [];
  writer.committer.onCommit((entries) => published.push(...entries));
  t.after(() => {
    writer.db.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return { ...writer, published };
}

const dump = (db: Db): Record<string, unknown[]> =>
  Object.fromEntries(REPLICATED_TABLES.map((table) => [table, db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all()]));

/** Every op a box holds, as the sync layer reads them for a peer that has nothing. */
const everything = (box: Box): Op[] => opsMissingFrom(box.db, {}, 0, 10_000).ops;

interface Crew {
  admin: string;
  team: string;
  alice: string;
  general: string;
  postId: string;
}

/** On box A: an admin, a team, alice, a post by alice with an edit and a reaction. */
async function crew(box: Box, names = ''): Promise<Crew> {
  const [admin, alice, team, general, postId] = [newId(), newId(), newId(), newId(), newId()];
  const user = (id: string, username: string, role: string) => ({
    type: 'user.created',
    entity: id,
    body: { username, displayName: username, role, passwordHash: HASH, inviteId: null },
  });
  await box.committer.commit({ author: admin, grant: { kind: 'setup' }, ops: [user(admin, `skipper${names}`, 'admin')] });
  await box.committer.commit({
    author: admin,
    ops: [{ type: 'team.created', entity: team, body: { name: `crew${names}`, displayName: 'Crew', defaultChannelId: general } }],
  });
  await box.committer.commit({
    author: admin,
    ops: [user(alice, `alice${names}`, 'member'), { type: 'team.member-set', entity: team, body: { userId: alice, member: true } }],
  });
  await box.committer.commit({
    author: alice,
    ops: [{ type: 'channel.member-set', entity: general, body: { userId: alice, member: true } }],
  });
  await box.committer.commit({
    author: alice,
    ops: [{ type: 'post.created', entity: postId, body: { channelId: general, message: 'Wind backing west', rootId: null } }],
  });
  await box.committer.commit({
    author: alice,
    ops: [{ type: 'post.edited', entity: postId, body: { message: 'Wind backing south-west' } }],
  });
  await box.committer.commit({ author: admin, ops: [{ type: 'reaction.set', entity: postId, body: { emoji: 'ok', active: true } }] });
  return { admin, team, alice, general, postId };
}

/** An op of `origin` that chains from `previous`, as a box of that origin would have written it. */
function forge(head: Omit<Op, 'hash' | 'body'>, body: object, previous: string): Op {
  return { ...head, body, hash: opHash(head, bodyDigest(body), previous) };
}

test('ops from another box keep their names and hashes, get a local feed position, are published, and make the same state', async (t) => {
  const a = openBox(t);
  const b = openBox(t);
  const { team } = await crew(a);
  // B has a local op first, so feed positions differ between the boxes.
  const bosun = newId();
  await b.committer.commit({
    author: bosun,
    grant: { kind: 'setup' },
    ops: [
      {
        type: 'user.created',
        entity: bosun,
        body: { username: 'bosun', displayName: 'Bosun', role: 'admin', passwordHash: HASH, inviteId: null },
      },
    ],
  });
  const b0 = dump(b.db);
  const ops = everything(a);

  const result = await b.committer.receive(ops);
  assert.equal(result.entries.length, ops.length);
  assert.deepEqual(
    result.entries.map((entry) => entry.op),
    ops,
    'origin, seq, hlc, author, body and hash are kept',
  );
  assert.deepEqual(
    result.entries.map((entry) => entry.feedSeq),
    ops.map((_, index) => index + 2),
    'each gets the next local feed_seq',
  );
  assert.deepEqual(
    { duplicates: result.duplicates, forks: result.forks, refused: result.refused },
    { duplicates: 0, forks: [], refused: [] },
  );
  assert.deepEqual(b.published.slice(1), result.entries, 'published to listeners (the realtime hub) like local ops');
  assert.deepEqual(feedAfter(b.db, 1, -1), result.entries);

  const expected = dump(a.db);
  const got = dump(b.db);
  // B also holds its own bosun.
  assert.equal(got.users!.length, expected.users!.length + 1);
  for (const table of REPLICATED_TABLES.filter((name) => name !== 'users')) assert.deepEqual(got[table], expected[table], table);
  assert.notDeepEqual(got, b0);
  assert.deepEqual(verifyChains(b.db).problems, []);
  assert.deepEqual(versionVector(b.db), { [a.identity.origin]: ops.length, [b.identity.origin]: 1 });

  // B's own next op still follows its own chain, on top of what it took.
  await b.committer.commit({ author: bosun, ops: [{ type: 'team.updated', entity: team, body: { displayName: 'The Crew' } }] });
  assert.equal(chainEnd(b.db, b.identity.origin).seq, 2);
  assert.deepEqual(verifyChains(b.db).problems, []);
});

test('an op already held is skipped, and a batch taken twice changes nothing the second time', async (t) => {
  const a = openBox(t);
  const b = openBox(t);
  await crew(a);
  const ops = everything(a);
  await b.committer.receive(ops.slice(0, 4));
  const again = await b.committer.receive(ops);
  assert.equal(again.duplicates, 4);
  assert.equal(again.entries.length, ops.length - 4);
  const state = dump(b.db);
  const third = await b.committer.receive(ops);
  assert.deepEqual(third, { entries: [], duplicates: ops.length, forks: [], refused: [] });
  assert.deepEqual(dump(b.db), state);
});

test('a fork (a held name with another hash) is quarantined, not applied, and stops that origin for the batch', async (t) => {
  const a = openBox(t);
  const b = openBox(t);
  const c = openBox(t);
  await crew(a);
  await crew(c);
  const ops = everything(a);
  await b.committer.receive(ops.slice(0, 5));
  const state = dump(b.db);
  // The same origin's seq 5 written again differently, chained properly from seq 4: a second box using one origin.
  const fifth = ops[4]!;
  const forked = forge({ ...fifth, hlc: encodeHlc({ ms: hlcMillis(fifth.hlc) + 1, counter: 0 }) }, fifth.body as object, ops[3]!.hash);
  const result = await b.committer.receive([forked, ...ops.slice(5), ...everything(c)]);
  assert.deepEqual(result.forks, [{ origin: a.identity.origin, seq: 5, heldHash: fifth.hash, receivedHash: forked.hash }]);
  assert.equal(result.entries.length, everything(c).length, "the other origin's ops are taken; none of the forked origin's");
  assert.equal(chainEnd(b.db, a.identity.origin).seq, 5);
  assert.deepEqual(
    quarantinedOps(b.db).map(({ origin, seq, hash }) => ({ origin, seq, hash })),
    [{ origin: a.identity.origin, seq: 5, hash: forked.hash }],
  );
  assert.equal(
    sql(b.db, 'SELECT hash FROM ops WHERE origin = ? AND seq = 5').pluck().get(a.identity.origin),
    fifth.hash,
    'the held op is not overwritten',
  );
  assert.deepEqual(
    dump(b.db).posts!.filter((row) => (row as { id: string }).id === fifth.entity),
    state.posts!.filter((row) => (row as { id: string }).id === fifth.entity),
  );
});

test('an op that would leave a hole in its origin is refused with that origin, and the others are taken', async (t) => {
  const a = openBox(t);
  const b = openBox(t);
  const c = openBox(t);
  await crew(a);
  await crew(c);
  const ops = everything(a);
  await b.committer.receive(ops.slice(0, 2));
  const result = await b.committer.receive([...ops.slice(3), ...everything(c)]);
  assert.deepEqual(result.refused, [{ origin: a.identity.origin, seq: 4, held: 2, reason: 'gap' }]);
  assert.equal(result.entries.length, everything(c).length);
  assert.deepEqual(versionVector(b.db), { [a.identity.origin]: 2, [c.identity.origin]: everything(c).length });
});

test("ops naming this box's own origin that it does not hold are refused", async (t) => {
  const b = openBox(t);
  await crew(b);
  const [last] = everything(b).slice(-1);
  const ahead = forge({ ...last!, seq: last!.seq + 1, type: 'channel.viewed' }, {}, last!.hash);
  const result = await b.committer.receive([ahead]);
  assert.deepEqual(result.refused, [{ origin: b.identity.origin, seq: last!.seq + 1, held: last!.seq, reason: 'own_origin' }]);
});

test('a changed op or a broken chain refuses the whole batch, and nothing of it is applied', async (t) => {
  const a = openBox(t);
  const b = openBox(t);
  const c = openBox(t);
  await crew(a);
  await crew(c);
  const ops = everything(a);
  const changed = ops.map((op, index) => (index === 4 ? { ...op, body: { ...(op.body as object), message: 'Wind veering north' } } : op));
  await assert.rejects(
    b.committer.receive([...everything(c), ...changed]),
    (error) => error instanceof ForeignOpError && error.code === 'hash_mismatch' && error.op.seq === 5,
  );
  assert.deepEqual(versionVector(b.db), {}, "not even the other origin's ops of the batch");
  assert.equal(sql(b.db, 'SELECT count(*) FROM feed').pluck().get(), 0);
  // Dropping an op from the middle of a chain breaks the link of the one after it, when it is not a hole.
  const skipped = ops.filter((_, index) => index !== 2).map((op, index) => (index >= 2 ? { ...op, seq: op.seq - 1 } : op));
  await assert.rejects(b.committer.receive(skipped), { code: 'hash_mismatch' });
  assert.deepEqual(versionVector(b.db), {});
});

test("a malformed op is refused before anything is queued; unknown extra fields of a newer version's body are accepted", async (t) => {
  const a = openBox(t);
  const b = openBox(t);
  await crew(a);
  const ops = everything(a);
  const bad = (op: unknown) =>
    assert.throws(
      () => b.committer.receive([...ops, op as Op]),
      (error) => error instanceof ForeignOpError && error.code === 'invalid_op',
    );
  const last = ops.at(-1)!;
  bad({ ...last, seq: 0 });
  bad({ ...last, hlc: 'yesterday' });
  bad({ ...last, origin: 'A'.repeat(32) });
  bad({ ...last, body: [] });
  bad({ ...last, body: { emoji: 'no spaces allowed', active: true } });
  bad({ ...last, type: 'reaction.set', entity: 'not an id' });
  bad({ ...last, body: { emoji: 'ok', active: true, note: '\ud800' } });
  bad(null);
  assert.deepEqual(versionVector(b.db), {});

  await b.committer.receive(ops);
  const newer = forge({ ...last, seq: last.seq + 1, type: 'reaction.set' }, { emoji: 'ok', active: false, skinTone: 3 }, last.hash);
  const result = await b.committer.receive([newer]);
  assert.equal(result.entries.length, 1);
  assert.deepEqual(sql(b.db, 'SELECT active FROM reactions').pluck().all(), [0], 'the fields it knows are applied');
  assert.deepEqual(
    JSON.parse(sql(b.db, 'SELECT body FROM ops WHERE origin = ? AND seq = ?').pluck().get(newer.origin, newer.seq) as string).skinTone,
    3,
    'and the others kept to relay',
  );
  assert.deepEqual(verifyChains(b.db).problems, []);
});

test('a foreign op is applied without a local permission check, and one that changes nothing is still appended', async (t) => {
  const a = openBox(t);
  const b = openBox(t);
  const { alice, postId, general } = await crew(a);
  const ops = everything(a);
  await b.committer.receive(ops);
  const last = ops.at(-1)!;
  // Alice (a member) makes herself admin: refused here, but done where it was written. A read
  // mark for a channel this box does not know changes nothing.
  const made = [
    { type: 'user.role-set', entity: alice, body: { role: 'admin' } },
    { type: 'channel.viewed', entity: general, body: {} },
    { type: 'channel.viewed', entity: newId(), body: {} },
    { type: 'post.deleted', entity: postId, body: {} },
  ];
  let previous = last;
  const foreign = made.map(({ type, entity, body }, index) => {
    const op = forge(
      {
        origin: last.origin,
        seq: last.seq + 1 + index,
        hlc: encodeHlc({ ms: hlcMillis(last.hlc) + index + 1, counter: 0 }),
        author: alice,
        type,
        entity,
      },
      body,
      previous.hash,
    );
    previous = op;
    return op;
  });
  await assert.rejects(a.committer.commit({ author: alice, ops: [made[0]!] }), { code: 'admin_only' });
  const result = await b.committer.receive(foreign);
  assert.equal(result.entries.length, 4, 'the read mark that changes nothing is appended all the same');
  assert.equal(sql(b.db, 'SELECT role FROM users WHERE id = ?').pluck().get(alice), 'admin');
  assert.equal(sql(b.db, 'SELECT deleted FROM posts WHERE id = ?').pluck().get(postId), 1);
  assert.deepEqual(versionVector(b.db), { [last.origin]: last.seq + 4 });
});

test('a clock far ahead is followed only by a bounded step, and its ops are marked clock-suspect', async (t) => {
  const now = 1_900_000_000_000;
  const a = openBox(t, () => now + 3 * 3600_000);
  const b = openBox(t, () => now);
  await crew(a);
  const ops = everything(a);
  await b.committer.receive(ops);
  assert.deepEqual(sql(b.db, 'SELECT DISTINCT clock_suspect FROM ops').pluck().all(), [1]);
  assert.ok(b.clock.current.ms <= now + MAX_OBSERVED_LEAD_MS, 'the clock is pulled no further than the bound');
  assert.ok(b.clock.current.ms >= now + MAX_OBSERVED_LEAD_MS - 1000, 'but is pulled');
  const c = openBox(t, () => now);
  const onTime = openBox(t, () => now - 1000);
  await crew(onTime);
  await c.committer.receive(everything(onTime));
  assert.deepEqual(sql(c.db, 'SELECT DISTINCT clock_suspect FROM ops').pluck().all(), [0]);
});

test('a purged create from another box applies as its post deleted, and its text is never stored', async (t) => {
  const a = openBox(t);
  const b = openBox(t);
  const { postId, alice } = await crew(a);
  await a.committer.commit({ author: alice, ops: [{ type: 'post.deleted', entity: postId, body: {} }] });
  const ops = everything(a);
  const create = ops.find((op) => op.type === 'post.created')!;
  assert.ok(isPurged((create.body as { message: unknown }).message), 'the sender sends it purged');
  // Taken before the delete: the purge stands for it.
  const upToCreate = ops.slice(0, ops.indexOf(create) + 1);
  const result = await b.committer.receive(upToCreate);
  assert.equal(sql(b.db, 'SELECT deleted FROM posts WHERE id = ?').pluck().get(postId), 1);
  assert.equal((result.entries.at(-1)!.op.body as { message: unknown }).message, (create.body as { message: unknown }).message);
  await b.committer.receive(ops);
  assert.deepEqual(dump(b.db), dump(a.db));
  assert.doesNotMatch(JSON.stringify(sql(b.db, 'SELECT body FROM ops').pluck().all()), /Wind/);
});

test('a post taken whole and deleted later is purged on the receiving box too', async (t) => {
  const a = openBox(t);
  const b = openBox(t);
  const { postId, alice } = await crew(a);
  await b.committer.receive(everything(a));
  assert.match(JSON.stringify(sql(b.db, 'SELECT body FROM ops').pluck().all()), /Wind/);
  await a.committer.commit({ author: alice, ops: [{ type: 'post.deleted', entity: postId, body: {} }] });
  await b.committer.receive(opsMissingFrom(a.db, versionVector(b.db), 0, 100).ops);
  assert.doesNotMatch(JSON.stringify(sql(b.db, 'SELECT body FROM ops').pluck().all()), /Wind/);
  assert.deepEqual(verifyChains(b.db).problems, []);
});

test('a delete that arrives before its post (from a third box) purges the post when it comes, and the states agree', async (t) => {
  const a = openBox(t);
  const b = openBox(t);
  const c = openBox(t);
  const { postId, admin } = await crew(a);
  await b.committer.receive(everything(a));
  // An administrator deletes the post on box B; box C hears of B's delete before A's post.
  await b.committer.commit({ author: admin, ops: [{ type: 'post.deleted', entity: postId, body: {} }] });
  const fromB = opsMissingFrom(b.db, versionVector(c.db), 0, 100).ops;
  const [aOrigin] = [...new Set(everything(a).map((op) => op.origin))];
  const deleteFirst = await c.committer.receive(fromB.filter((op) => op.origin !== aOrigin));
  assert.equal(deleteFirst.entries.length, 1);
  await c.committer.receive(everything(a));
  await c.committer.receive(opsMissingFrom(b.db, versionVector(c.db), 0, 100).ops);
  assert.equal(sql(c.db, 'SELECT deleted FROM posts WHERE id = ?').pluck().get(postId), 1);
  assert.doesNotMatch(JSON.stringify(sql(c.db, 'SELECT body FROM ops').pluck().all()), /Wind/);
  assert.deepEqual(dump(c.db), dump(b.db));
  assert.deepEqual(verifyChains(c.db).problems, []);
});

test('an edit that arrives after a delete and before its post is purged when the post comes, as everywhere else', async (t) => {
  const a = openBox(t);
  const b = openBox(t);
  const d = openBox(t);
  const e = openBox(t);
  const { postId, alice, admin } = await crew(a);
  await b.committer.receive(everything(a));
  await d.committer.receive(everything(a));
  // Apart, alice edits her post on B and an administrator deletes it on D.
  await b.committer.commit({ author: alice, ops: [{ type: 'post.edited', entity: postId, body: { message: 'Gale warning, reef now' } }] });
  await d.committer.commit({ author: admin, ops: [{ type: 'post.deleted', entity: postId, body: {} }] });
  const only = (box: Box, origin: string) => opsMissingFrom(box.db, {}, 0, 100).ops.filter((op) => op.origin === origin);
  // E hears of D's delete, then of B's edit, and only then of A's post.
  await e.committer.receive(only(d, d.identity.origin));
  await e.committer.receive(only(b, b.identity.origin));
  await e.committer.receive(everything(a));
  await b.committer.receive(only(d, d.identity.origin));
  const log = (db: Db) => sql(db, 'SELECT origin, seq, hash, body FROM ops ORDER BY origin, seq').all();
  assert.doesNotMatch(JSON.stringify(log(e.db)), /Gale|Wind/);
  assert.deepEqual(log(e.db), log(b.db));
  assert.deepEqual(dump(e.db), dump(b.db));
  assert.deepEqual(verifyChains(e.db).problems, []);
});

test('a new password that arrives before its account (from a third box) is kept, not purged as superseded, and opens the account', async (t) => {
  const a = openBox(t);
  const b = openBox(t);
  const c = openBox(t);
  const { alice, admin } = await crew(a);
  await b.committer.receive(everything(a));
  const newHash = `scrypt$16384$8$1$${'n'.repeat(22)}$${'k'.repeat(43)}`;
  await b.committer.commit({ author: admin, ops: [{ type: 'user.password-set', entity: alice, body: { passwordHash: newHash } }] });
  // C hears of B's password change before A's account: the frame with A's ops was lost.
  const fromB = opsMissingFrom(b.db, versionVector(c.db), 0, 100).ops;
  await c.committer.receive(fromB.filter((op) => op.origin === b.identity.origin));
  await c.committer.receive(everything(a));
  assert.equal(sql(c.db, 'SELECT password_hash FROM users WHERE id = ?').pluck().get(alice), newHash);
  const log = (db: Db) => sql(db, 'SELECT origin, seq, hash, body FROM ops ORDER BY origin, seq').all();
  assert.deepEqual(log(c.db), log(b.db));
  assert.deepEqual(dump(c.db), dump(b.db));
  assert.deepEqual(verifyChains(c.db).problems, []);
});

test('the ops a peer lacks come in feed order, in bounded pages, from where it is behind', async (t) => {
  const a = openBox(t);
  const b = openBox(t);
  const c = openBox(t);
  const { admin, team, general } = await crew(a);
  await crew(c, '-c');
  await b.committer.receive(everything(c));
  await b.committer.receive(everything(a));
  // B writes too: A's admin, on B.
  await b.committer.commit({ author: admin, ops: [{ type: 'team.updated', entity: team, body: { displayName: 'The Crew' } }] });
  await b.committer.commit({
    author: admin,
    ops: [{ type: 'post.created', entity: newId(), body: { channelId: general, message: 'From B', rootId: null } }],
  });
  const all = feedAfter(b.db, 0, -1).map((entry) => entry.op);
  const peer = { [a.identity.origin]: 3, [c.identity.origin]: everything(c).length };
  const wanted = all.filter((op) => op.seq > (peer[op.origin] ?? 0));
  const pages: Op[][] = [];
  let after = 0;
  for (let done = false; !done;) {
    const page = opsMissingFrom(b.db, peer, after, 3);
    assert.ok(page.ops.length <= 3);
    pages.push(page.ops);
    ({ through: after, done } = page);
  }
  assert.deepEqual(pages.flat(), wanted);
  assert.ok(pages.length >= Math.ceil(wanted.length / 3));
  assert.deepEqual(opsMissingFrom(b.db, versionVector(b.db), 0, 10), {
    ops: [],
    through: feedAfter(b.db, 0, -1).at(-1)!.feedSeq,
    done: true,
  });
  // A peer that holds everything but C's ops is sent nothing of A or B.
  const lacksC = { ...versionVector(b.db), [c.identity.origin]: 0 };
  assert.deepEqual(opsMissingFrom(b.db, lacksC, 0, 100).ops, everything(c));
});

test('an op of a type this version does not know is stored and relayed, not applied, and rebuild passes over it', async (t) => {
  const a = openBox(t);
  const b = openBox(t);
  await crew(a);
  const ops = everything(a);
  const last = ops.at(-1)!;
  const future = forge(
    { ...last, seq: last.seq + 1, type: 'channel.bookmark-set', entity: newId() },
    { url: 'https://example.org/tides', title: 'Tides' },
    last.hash,
  );
  const before = await b.committer.receive(ops);
  const state = dump(b.db);
  const result = await b.committer.receive([future]);
  assert.equal(result.entries.length, 1);
  assert.deepEqual(result.entries[0]!.topics, [], 'no client is sent what it could not read');
  assert.deepEqual(dump(b.db), state);
  assert.deepEqual(sql(b.db, 'SELECT origin, seq, type FROM unapplied_ops').all(), [
    { origin: future.origin, seq: future.seq, type: future.type },
  ]);
  const c = openBox(t);
  await c.committer.receive(opsMissingFrom(b.db, {}, 0, 100).ops);
  assert.deepEqual(versionVector(c.db), versionVector(b.db), 'relayed to the next box');
  assert.equal(rebuild(b.db), before.entries.length);
  assert.deepEqual(dump(b.db), state);
});

test('once an upgrade knows a type, the stored ops of that type are applied, late and once', async (t) => {
  const a = openBox(t);
  const b = openBox(t);
  const { team } = await crew(a);
  const ops = everything(a);
  const last = ops.at(-1)!;
  // A kind from a later version: a team's motto, last writer wins, safe to apply late.
  const mottoSet = defineOp({
    type: 'team.motto-set',
    body: Type.Object({ motto: Type.String() }),
    authorize: () => 'apply',
    apply(db, op) {
      const version = opVersion(op);
      sql(db, 'UPDATE teams SET display_name = ?, profile_ver = ? WHERE id = ? AND profile_ver < ?').run(
        op.body.motto,
        version,
        op.entity,
        version,
      );
    },
    audience: (_db, op) => [topic.team(op.entity)],
  }) as unknown as OpKind;
  const motto = forge({ ...last, seq: last.seq + 1, type: mottoSet.type, entity: team }, { motto: 'Fair winds' }, last.hash);
  const malformed = forge({ ...last, seq: last.seq + 2, type: mottoSet.type, entity: team }, { motto: 7 }, motto.hash);
  const later = forge({ ...last, seq: last.seq + 3, type: 'channel.viewed', entity: newId() }, {}, malformed.hash);
  await b.committer.receive([...ops, motto, malformed, later]);
  assert.equal(sql(b.db, 'SELECT display_name FROM teams').pluck().get(), 'Crew', 'not applied while unknown');
  assert.equal(applyNowKnown(b.db), 0, 'this version still does not know it');

  const upgraded = new Map([...OP_KINDS, [mottoSet.type, mottoSet]]);
  assert.equal(applyNowKnown(b.db, upgraded), 1);
  assert.equal(sql(b.db, 'SELECT display_name FROM teams').pluck().get(), 'Fair winds');
  assert.equal(
    sql(b.db, 'SELECT topics FROM feed WHERE origin = ? AND seq = ?').pluck().get(motto.origin, motto.seq),
    topic.team(team),
    'clients that may see it will',
  );
  assert.deepEqual(
    sql(b.db, 'SELECT seq FROM unapplied_ops').pluck().all(),
    [malformed.seq],
    'a body that does not fit its schema stays unapplied',
  );
  assert.equal(applyNowKnown(b.db, upgraded), 0, 'applied once');
});

test('a client is never sent a purge marker: a purged text reads as empty', async (t) => {
  const a = openBox(t);
  const { postId, alice } = await crew(a);
  await a.committer.commit({ author: alice, ops: [{ type: 'post.deleted', entity: postId, body: {} }] });
  const create = feedAfter(a.db, 0, -1).find((entry) => entry.op.type === 'post.created')!;
  const frame = JSON.parse(eventFrame(create.feedSeq, create.op));
  assert.equal(frame.event.data.message, '');
  assert.equal(frame.event.data.channelId, (create.op.body as { channelId: string }).channelId);
  assert.doesNotMatch(JSON.stringify(frame), /purged/);
});

test('whatever the cuts, repeats and out-of-order frames, pulling what is missing until nothing is ends with the same log and state', async (t) => {
  const a = openBox(t);
  const c = openBox(t);
  const { admin, general } = await crew(a);
  await crew(c, '-c');
  await a.committer.receive(everything(c));
  for (let i = 0; i < 40; i++) {
    await a.committer.commit({
      author: admin,
      ops: [{ type: 'post.created', entity: newId(), body: { channelId: general, message: `Log entry ${i}`, rootId: null } }],
    });
  }
  // A seeded generator (mulberry32), so a failure replays.
  let seed = 20261204;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const b = openBox(t);
  for (let round = 0; round < 200; round++) {
    const page = opsMissingFrom(a.db, versionVector(b.db), 0, 1 + Math.floor(random() * 12));
    if (page.done && page.ops.length === 0) break;
    // A frame may arrive twice, or a later frame before an earlier one (its ops are then refused as holes).
    const cut = Math.floor(random() * page.ops.length);
    const frames = [page.ops.slice(0, cut), page.ops.slice(cut)];
    if (random() < 0.3) frames.reverse();
    if (random() < 0.3) frames.push(frames[0]!);
    for (const frame of frames) await b.committer.receive(frame);
  }
  assert.deepEqual(versionVector(b.db), versionVector(a.db));
  assert.deepEqual(dump(b.db), dump(a.db));
  const log = (db: Db) => sql(db, 'SELECT origin, seq, hash, body FROM ops ORDER BY origin, seq').all();
  assert.deepEqual(log(b.db), log(a.db));
  assert.deepEqual(verifyChains(b.db).problems, []);
});
