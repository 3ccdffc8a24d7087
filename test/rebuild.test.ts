/**
 * The state tables are a fold of the op log (docs/DESIGN.md "The op log"). After a season of real
 * use, `hail rebuild --verify` must find the live tables equal to a replay of the log; when a
 * row has been changed behind the log's back it must say which table, and `hail rebuild` must
 * put the log's truth back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { v7 as uuidv7 } from 'uuid';
import { startWorld, type World } from './helpers/world.js';
import { Client, removeDataDir, startHail, type ApiResponse, type HailProcess } from './helpers/server.js';
import { runHail } from './helpers/cli.js';

function ok<T>(response: ApiResponse<T>, what: string): T {
  assert.ok(response.status >= 200 && response.status < 300, `${what}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

/** A season aboard: every kind of op, including the ones that undo others. Returns a post to tamper with. */
async function season(world: World): Promise<{ postId: string; message: string; reactedPostId: string }> {
  const { admin, team } = world;
  const alice = await world.join('alice');
  const bob = await world.join('bob');
  const gina = await world.join('gina', 'guest');
  const general = team.defaultChannelId;

  // Teams.
  const shore = ok(await admin.post('/api/v1/teams', { name: 'shore', displayName: 'Shore Club' }), 'create team').team;
  ok(await admin.patch(`/api/v1/teams/${shore.id}`, { displayName: 'The Shore Club' }), 'rename team');
  ok(await admin.post(`/api/v1/teams/${shore.id}/members`, { userId: alice.id }), 'alice to shore');
  ok(await admin.post(`/api/v1/teams/${shore.id}/members`, { userId: gina.id }), 'gina to shore');
  ok(await admin.delete(`/api/v1/teams/${shore.id}/members/${gina.id}`), 'gina leaves shore');

  // Channels of every kind.
  const deck = ok(
    await alice.client.post('/api/v1/channels', { id: uuidv7(), teamId: team.id, type: 'public', name: 'deck', displayName: 'Deck' }),
    'deck',
  ).channel.id;
  const galley = ok(
    await alice.client.post('/api/v1/channels', {
      teamId: team.id,
      type: 'private',
      name: 'galley',
      displayName: 'Galley',
      purpose: 'Food',
    }),
    'galley',
  ).channel.id;
  ok(await bob.client.post(`/api/v1/channels/${deck}/join`), 'bob joins deck');
  ok(await alice.client.post(`/api/v1/channels/${deck}/members`, { userId: gina.id }), 'gina added to deck');
  ok(await alice.client.post(`/api/v1/channels/${galley}/members`, { userId: bob.id }), 'bob added to galley');
  const direct = ok(await alice.client.post('/api/v1/channels/direct', { userId: bob.id }), 'dm').channel.id;
  const group = ok(await alice.client.post('/api/v1/channels/group', { userIds: [bob.id, gina.id] }), 'group').channel.id;

  // Posts, replies, mentions, edits, deletes, reactions, pins.
  const send = async (client: Client, channelId: string, message: string, rootId?: string) =>
    ok(await client.post(`/api/v1/channels/${channelId}/posts`, { id: uuidv7(), message, ...(rootId ? { rootId } : {}) }), 'post').post
      .id as string;
  const welcome = await send(admin, general, 'Welcome aboard @alice and @bob');
  const plan = await send(alice.client, deck, 'Plan for tomorrow: leave at 06:00 @channel');
  const reply = await send(bob.client, deck, 'I will prepare the engine', plan);
  const offer = await send(gina.client, deck, 'Can I help with the lines?', plan);
  const menu = await send(alice.client, galley, 'Menu: pasta');
  await send(bob.client, direct, 'Birthday cake for gina is in the fridge');
  await send(gina.client, group, 'Thanks both!');
  const typo = await send(bob.client, general, 'Wind is forcast to rise');
  ok(await bob.client.patch(`/api/v1/posts/${typo}`, { message: 'Wind is forecast to rise' }), 'edit');
  ok(await alice.client.patch(`/api/v1/posts/${menu}`, { message: 'Menu: pasta with @bob sauce' }), 'edit with mention');
  ok(await alice.client.put(`/api/v1/posts/${welcome}/reactions/wave`), 'react');
  ok(await bob.client.put(`/api/v1/posts/${welcome}/reactions/wave`), 'react');
  ok(await bob.client.put(`/api/v1/posts/${welcome}/reactions/anchor`), 'react');
  ok(await bob.client.delete(`/api/v1/posts/${welcome}/reactions/anchor`), 'unreact');
  ok(await alice.client.put(`/api/v1/posts/${plan}/pin`), 'pin');
  ok(await alice.client.put(`/api/v1/posts/${reply}/pin`), 'pin');
  ok(await alice.client.delete(`/api/v1/posts/${reply}/pin`), 'unpin');
  const doomed = await send(bob.client, deck, 'Oops, wrong channel');
  ok(await alice.client.put(`/api/v1/posts/${doomed}/reactions/eyes`), 'react to doomed');
  ok(await bob.client.put(`/api/v1/posts/${doomed}/pin`), 'pin doomed');
  ok(await bob.client.delete(`/api/v1/posts/${doomed}`), 'delete');
  ok(await admin.delete(`/api/v1/posts/${offer}`), 'admin deletes');

  // Membership changes, channel changes, archive.
  ok(await bob.client.post(`/api/v1/channels/${deck}/leave`), 'bob leaves deck');
  ok(await bob.client.post(`/api/v1/channels/${deck}/join`), 'bob rejoins deck');
  ok(await alice.client.delete(`/api/v1/channels/${galley}/members/${bob.id}`), 'bob removed from galley');
  ok(await alice.client.patch(`/api/v1/channels/${deck}`, { name: 'main-deck', header: 'Deck work' }), 'rename deck');
  ok(await alice.client.post(`/api/v1/channels/${deck}/archive`), 'archive deck');
  ok(await alice.client.post(`/api/v1/channels/${deck}/unarchive`), 'unarchive deck');
  ok(await alice.client.post(`/api/v1/channels/${galley}/archive`), 'archive galley');

  // Read marks.
  ok(await bob.client.post(`/api/v1/channels/${general}/read`), 'read');
  ok(await alice.client.post(`/api/v1/channels/${deck}/read`), 'read');
  ok(await gina.client.post(`/api/v1/channels/${group}/read`), 'read');

  // Accounts and invites.
  ok(await alice.client.patch('/api/v1/me', { displayName: 'Alice the Skipper' }), 'rename');
  ok(
    await alice.client.post('/api/v1/me/password', { currentPassword: 'password of alice', newPassword: 'a new password for alice' }),
    'password',
  );
  ok(await admin.put(`/api/v1/users/${bob.id}/role`, { role: 'admin' }), 'promote');
  ok(await admin.put(`/api/v1/users/${bob.id}/role`, { role: 'member' }), 'demote');
  ok(await admin.post(`/api/v1/users/${gina.id}/deactivate`), 'deactivate');
  ok(await admin.post(`/api/v1/users/${gina.id}/reactivate`), 'reactivate');
  const invite = ok(await admin.post('/api/v1/invites', { teamId: team.id, role: 'guest', expiresInHours: 24, maxUses: 3 }), 'invite');
  ok(await admin.delete(`/api/v1/invites/${invite.invite.id}`), 'revoke invite');

  return { postId: typo, message: 'Wind is forecast to rise', reactedPostId: welcome };
}

test('rebuild --verify finds a season of use consistent, names a tampered table, and rebuild repairs it', { timeout: 120000 }, async () => {
  const world = await startWorld();
  const dataDir = world.hail.dataDir;
  const file = join(dataDir, 'hail.db');
  let restarted: HailProcess | undefined;
  try {
    const { postId, message, reactedPostId } = await season(world);

    // While the server runs: verify only reads.
    const live = await runHail(['rebuild', '--verify', '--data-dir', dataDir]);
    assert.equal(live.code, 0, `verify on the live database: ${live.stdout}${live.stderr}`);
    const opCount = Number(
      /^ok: replaying (\d+) ops gives the same state, and every op.s hash and chain link verifies$/m.exec(live.stdout)?.[1],
    );
    assert.ok(opCount > 50, `verify replayed the whole log (${live.stdout.trim()})`);
    const stillServing = await world.admin.get(`/api/v1/posts/${postId}`);
    assert.equal(stillServing.status, 200, 'the server kept serving while verify ran');
    const adminCookie = world.admin.cookie;
    assert.equal(await world.hail.stop(), 0);

    // Someone edits the database by hand, behind the op log's back.
    const db = new Database(file);
    // Stopping wrote the read positions still settling as read marks (core/read-marks.ts).
    let opsAfterStop: number;
    try {
      opsAfterStop = (db.prepare('SELECT count(*) AS n FROM ops').get() as { n: number }).n;
      assert.ok(opsAfterStop >= opCount);
      assert.equal(db.prepare("UPDATE posts SET message = 'Tampered' WHERE id = ?").run(postId).changes, 1);
      const oneWave = "SELECT min(user_id) FROM reactions WHERE post_id = @post AND emoji = 'wave'";
      assert.equal(
        db.prepare(`DELETE FROM reactions WHERE post_id = @post AND emoji = 'wave' AND user_id = (${oneWave})`).run({ post: reactedPostId })
          .changes,
        1,
      );
    } finally {
      db.close();
    }
    const tampered = await runHail(['rebuild', '--verify', '--data-dir', dataDir]);
    assert.equal(tampered.code, 1, `verify must fail on a tampered database: ${tampered.stdout}${tampered.stderr}`);
    assert.match(tampered.stdout, /^posts: 1 rows only in the database, 1 only in the replay$/m);
    assert.match(tampered.stdout, /^reactions: 0 rows only in the database, 1 only in the replay$/m);
    assert.equal(tampered.stdout.trim().split('\n').length, 2, `only the two tampered tables differ: ${tampered.stdout}`);
    assert.doesNotMatch(tampered.stdout, /^ok/m);

    const rebuilt = await runHail(['rebuild', '--data-dir', dataDir]);
    assert.equal(rebuilt.code, 0, `rebuild: ${rebuilt.stdout}${rebuilt.stderr}`);
    assert.match(rebuilt.stdout, new RegExp(`^rebuilt the state from ${opsAfterStop} ops$`, 'm'));

    const clean = await runHail(['rebuild', '--verify', '--data-dir', dataDir]);
    assert.equal(clean.code, 0, `verify after rebuild: ${clean.stdout}${clean.stderr}`);
    assert.match(clean.stdout, /^ok: /m);

    // An op's hash changed by hand breaks its link and the next one's; verify names both.
    const log = new Database(file);
    const { origin, hash } = log.prepare('SELECT origin, hash FROM ops WHERE seq = 10').get() as { origin: string; hash: string };
    log.prepare('UPDATE ops SET hash = ? WHERE origin = ? AND seq = 10').run('A'.repeat(43), origin);
    log.close();
    const broken = await runHail(['rebuild', '--verify', '--data-dir', dataDir]);
    assert.equal(broken.code, 1);
    assert.equal(broken.stdout, `op ${origin}/10: hash mismatch\nop ${origin}/11: hash mismatch\n`);
    const mended = new Database(file);
    mended.prepare('UPDATE ops SET hash = ? WHERE origin = ? AND seq = 10').run(hash, origin);
    mended.close();

    restarted = await startHail({ dataDir });
    const admin = new Client(restarted.url);
    admin.cookie = adminCookie;
    const served = await admin.get(`/api/v1/posts/${postId}`);
    assert.equal(served.status, 200);
    assert.equal(served.body.post.message, message, 'the restarted server serves the message from the log, not the tampered one');
  } finally {
    await world.hail.kill();
    await restarted?.kill();
    removeDataDir(dataDir);
  }
});
