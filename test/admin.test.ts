/** What admins do to accounts beyond the basics: reset links, ending sessions, status; and mentions and notification settings. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startWorld, type World } from './helpers/world.js';

describe('administration, mentions and notification settings', () => {
  let world: World;

  before(async () => {
    world = await startWorld();
  });

  after(async () => {
    await world?.dispose();
  });

  test('a password reset link works once, sets the new password and ends the old sessions', async () => {
    const dana = await world.join('dana');
    const socket = await dana.client.socket();
    await socket.resume((await socket.next('hello')).feedSeq);
    const reset = await world.admin.post(`/api/v1/users/${dana.id}/password-reset`);
    assert.equal(reset.status, 201);
    assert.equal(reset.body.path, `/reset/${reset.body.token}`);
    const visitor = world.client();
    assert.equal((await visitor.post('/api/v1/password-reset', { token: reset.body.token, password: 'dana starts over' })).status, 204);
    await socket.until(() => socket.closed);
    assert.equal((await dana.client.get('/api/v1/me')).status, 401);
    assert.equal((await visitor.post('/api/v1/auth/login', { username: 'dana', password: 'dana starts over' })).status, 200);
    const again = await world.client().post('/api/v1/password-reset', { token: reset.body.token, password: 'someone else now' });
    assert.equal(again.status, 403);
    assert.equal(again.body.error.code, 'reset_invalid');
  });

  test('only admins make reset links, and a made-up token is refused', async () => {
    const eve = await world.join('eve');
    assert.equal((await eve.client.post(`/api/v1/users/${eve.id}/password-reset`)).status, 403);
    const guess = await world.client().post('/api/v1/password-reset', { token: 'A'.repeat(43), password: 'a guessed password' });
    assert.equal(guess.status, 403);
  });

  test("an admin can end all of a user's sessions and tokens at once", async () => {
    const finn = await world.join('finn');
    const token = (await finn.client.post('/api/v1/me/tokens', { name: 'bot' })).body.token as string;
    const socket = await finn.client.socket();
    await socket.resume((await socket.next('hello')).feedSeq);
    assert.equal((await world.admin.delete(`/api/v1/users/${finn.id}/sessions`)).status, 204);
    await socket.until(() => socket.closed);
    assert.equal(socket.closed?.code, 4002);
    assert.equal((await finn.client.get('/api/v1/me')).status, 401);
    const bot = world.client();
    bot.bearer = token;
    assert.equal((await bot.get('/api/v1/me')).status, 401);
  });

  test('the status tells an admin the version, counts, clients and the state of the clock', async () => {
    const status = await world.admin.get('/api/v1/status');
    assert.equal(status.status, 200);
    assert.match(status.body.version, /^\d+\.\d+\.\d+$/);
    assert.ok(status.body.users >= 1);
    assert.equal(typeof status.body.messages, 'number');
    assert.equal(status.body.clock.suspect, false);
    assert.ok(Math.abs(status.body.clock.hlcMs - Date.now()) < 60_000);
    // The test server listens on loopback only, so that is the one address it can be reached at.
    assert.deepEqual(status.body.urls.byIp, [`${world.hail.url}/`], 'where the box is reached, for links made on the box itself');
  });

  test('recent mentions list posts naming me or the channel, newest first, not my own and not from channels I left', async () => {
    const gina = await world.join('gina');
    const hugo = await world.join('hugo');
    const general = world.team.defaultChannelId;
    const side = (await hugo.client.post('/api/v1/channels', { teamId: world.team.id, type: 'private', name: 'side', displayName: 'Side' }))
      .body.channel.id;
    await hugo.client.post(`/api/v1/channels/${side}/members`, { userId: gina.id });
    await hugo.client.post(`/api/v1/channels/${general}/posts`, { message: 'hey @gina, coffee?' });
    await gina.client.post(`/api/v1/channels/${general}/posts`, { message: 'I mention @gina myself' });
    await hugo.client.post(`/api/v1/channels/${general}/posts`, { message: 'nobody in particular' });
    await hugo.client.post(`/api/v1/channels/${side}/posts`, { message: '@channel meeting at noon' });
    await hugo.client.post(`/api/v1/channels/${general}/posts`, { message: 'last call @gina.' });
    const mentions = await gina.client.get('/api/v1/mentions');
    assert.deepEqual(
      mentions.body.posts.map((post: { message: string }) => post.message),
      ['last call @gina.', '@channel meeting at noon', 'hey @gina, coffee?'],
    );
    const page = await gina.client.get('/api/v1/mentions?limit=1');
    assert.equal(page.body.hasMore, true);
    const next = await gina.client.get(`/api/v1/mentions?limit=5&before=${page.body.posts[0].id}`);
    assert.deepEqual(
      next.body.posts.map((post: { message: string }) => post.message),
      ['@channel meeting at noon', 'hey @gina, coffee?'],
    );
    await gina.client.post(`/api/v1/channels/${side}/leave`);
    const after = await gina.client.get('/api/v1/mentions');
    assert.ok(!after.body.posts.some((post: { message: string }) => post.message.includes('meeting')));
  });

  test("a member sets a channel's notification level and mute, and the channel list shows them", async () => {
    const ivan = await world.join('ivan');
    const general = world.team.defaultChannelId;
    const before = (await ivan.client.get('/api/v1/channels')).body.channels.find((channel: { id: string }) => channel.id === general);
    assert.equal(before.notifyLevel, 'default');
    assert.equal(before.muted, false);
    assert.equal((await ivan.client.put(`/api/v1/channels/${general}/notifications`, { level: 'mentions', muted: true })).status, 204);
    const after = (await ivan.client.get('/api/v1/channels')).body.channels.find((channel: { id: string }) => channel.id === general);
    assert.equal(after.notifyLevel, 'mentions');
    assert.equal(after.muted, true);
    const wrong = await ivan.client.put(`/api/v1/channels/${general}/notifications`, { level: 'loud', muted: false });
    assert.equal(wrong.status, 400);
  });
});
