/**
 * The permission matrix: what a non-member, a guest and a deactivated user can reach, through
 * every way in (REST history, single posts, threads, pins, members, the channel list and its
 * unread counts, browse, search of users, WebSocket live events and resume).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startWorld, type World } from './helpers/world.js';
import type { Client, Socket } from './helpers/server.js';
import { ROUTES } from '../src/http/routes/index.js';

describe('permissions', () => {
  let world: World;
  let alice: { client: Client; id: string };
  let bob: { client: Client; id: string };
  let gus: { client: Client; id: string };
  let bobSocket: Socket;
  let gusSocket: Socket;
  let secret: string;
  let secretPost: string;
  let deck: string;
  let lounge: string;

  before(async () => {
    world = await startWorld();
    alice = await world.join('alice');
    bob = await world.join('bob');
    gus = await world.join('gus', 'guest');
    bobSocket = await bob.client.socket();
    await bobSocket.resume((await bobSocket.next('hello')).feedSeq);
    gusSocket = await gus.client.socket();
    await gusSocket.resume((await gusSocket.next('hello')).feedSeq);
    const teamId = world.team.id;
    secret = (await alice.client.post('/api/v1/channels', { teamId, type: 'private', name: 'secrets', displayName: 'Secrets' })).body
      .channel.id;
    deck = (await alice.client.post('/api/v1/channels', { teamId, type: 'public', name: 'deck', displayName: 'Deck' })).body.channel.id;
    lounge = (await alice.client.post('/api/v1/channels', { teamId, type: 'public', name: 'lounge', displayName: 'Lounge' })).body.channel
      .id;
    assert.equal((await alice.client.post(`/api/v1/channels/${deck}/members`, { userId: gus.id })).status, 204);
    const root = await alice.client.post(`/api/v1/channels/${secret}/posts`, { message: 'the treasure is under the mast @bob @channel' });
    secretPost = root.body.post.id;
    await alice.client.post(`/api/v1/channels/${secret}/posts`, { message: 'reply in secret', rootId: secretPost });
    await alice.client.put(`/api/v1/posts/${secretPost}/pin`);
    await alice.client.post(`/api/v1/channels/${lounge}/posts`, { message: 'lounge talk' });
    await alice.client.post(`/api/v1/channels/${deck}/posts`, { message: 'deck talk' });
  });

  after(async () => {
    await bobSocket?.close();
    await gusSocket?.close();
    await world?.dispose();
  });

  test('a non-member gets 404 for every read of a private channel', async () => {
    for (const path of [
      `/api/v1/channels/${secret}`,
      `/api/v1/channels/${secret}/posts`,
      `/api/v1/channels/${secret}/pins`,
      `/api/v1/channels/${secret}/members`,
      `/api/v1/posts/${secretPost}`,
      `/api/v1/posts/${secretPost}/thread`,
    ]) {
      const response = await bob.client.get(path);
      assert.equal(response.status, 404, path);
      assert.doesNotMatch(JSON.stringify(response.body), /treasure/);
    }
  });

  test('a non-member cannot write into a private channel or join it', async () => {
    assert.equal((await bob.client.post(`/api/v1/channels/${secret}/posts`, { message: 'let me in' })).status, 404);
    assert.equal((await bob.client.put(`/api/v1/posts/${secretPost}/reactions/eyes`)).status, 404);
    assert.equal((await bob.client.patch(`/api/v1/posts/${secretPost}`, { message: 'x' })).status, 404);
    assert.equal((await bob.client.delete(`/api/v1/posts/${secretPost}`)).status, 404);
    assert.equal((await bob.client.post(`/api/v1/channels/${secret}/join`)).status, 404);
    assert.equal((await bob.client.post(`/api/v1/channels/${secret}/members`, { userId: bob.id })).status, 404);
  });

  test("a private channel is absent from a non-member's channel list, unread counts and browse list", async () => {
    const mine = await bob.client.get('/api/v1/channels');
    assert.ok(!mine.body.channels.some((channel: { id: string }) => channel.id === secret));
    const browse = await bob.client.get(`/api/v1/teams/${world.team.id}/channels`);
    assert.ok(!browse.body.channels.some((channel: { id: string }) => channel.id === secret));
    assert.ok(browse.body.channels.some((channel: { id: string }) => channel.id === lounge));
    const general = mine.body.channels.find((channel: { id: string }) => channel.id === world.team.defaultChannelId);
    assert.equal(general.mentions, 0, 'a mention in a private channel must not count for a non-member');
  });

  test('a non-member receives no event of a private channel, live or on resume from the start', async () => {
    await alice.client.post(`/api/v1/channels/${secret}/posts`, { message: 'live secret' });
    await alice.client.post(`/api/v1/channels/${world.team.defaultChannelId}/posts`, { message: 'marker after it' });
    await bobSocket.until((frames) => frames.some((frame) => frame.event?.data?.message === 'marker after it'));
    const replay = await bob.client.socket();
    await replay.next('hello');
    await replay.resume(0);
    for (const socket of [bobSocket, replay]) {
      const text = JSON.stringify(socket.frames);
      assert.doesNotMatch(text, /secret|treasure/);
      assert.ok(!text.includes(secret), 'not even the channel id');
    }
    await replay.close();
  });

  test('a guest sees only the channels it was added to', async () => {
    const mine = await gus.client.get('/api/v1/channels');
    assert.deepEqual(
      mine.body.channels.map((channel: { id: string }) => channel.id),
      [deck],
    );
    const browse = await gus.client.get(`/api/v1/teams/${world.team.id}/channels`);
    assert.deepEqual(
      browse.body.channels.map((channel: { id: string }) => channel.id),
      [deck],
    );
    for (const channel of [lounge, world.team.defaultChannelId, secret]) {
      assert.equal((await gus.client.get(`/api/v1/channels/${channel}/posts`)).status, 404);
      assert.equal((await gus.client.post(`/api/v1/channels/${channel}/join`)).status, channel === secret ? 404 : 404);
    }
    assert.equal((await gus.client.get(`/api/v1/channels/${deck}/posts`)).status, 200);
  });

  test('a guest receives events only from its channels', async () => {
    await alice.client.post(`/api/v1/channels/${lounge}/posts`, { message: 'lounge only' });
    await alice.client.post(`/api/v1/channels/${deck}/posts`, { message: 'deck marker' });
    await gusSocket.until((frames) => frames.some((frame) => frame.event?.data?.message === 'deck marker'));
    assert.doesNotMatch(JSON.stringify(gusSocket.frames), /lounge only|lounge talk/);
  });

  test('a guest cannot create channels and sees only people it shares a channel with', async () => {
    const created = await gus.client.post('/api/v1/channels', {
      teamId: world.team.id,
      type: 'public',
      name: 'guests',
      displayName: 'Guests',
    });
    assert.equal(created.status, 403);
    assert.equal(created.body.error.code, 'guest_not_allowed');
    const users = await gus.client.get('/api/v1/users');
    assert.deepEqual(users.body.users.map((user: { username: string }) => user.username).sort(), ['alice', 'gus']);
    assert.equal((await gus.client.get(`/api/v1/users/${bob.id}`)).status, 404);
  });

  /** Every route that answers with people, as the guest calls it (the next test keeps this list complete). */
  const guestPeopleMatrix = (): Record<string, string> => ({
    '/api/v1/users': '/api/v1/users',
    '/api/v1/users/:id': `/api/v1/users/${bob.id}`,
    '/api/v1/me': '/api/v1/me',
    '/api/v1/session': '/api/v1/session',
    '/api/v1/channels/:id/members': `/api/v1/channels/${deck}/members`,
    '/api/v1/teams/:id/members': `/api/v1/teams/${world.team.id}/members`,
  });

  test('through every route that returns people, a guest sees only those it shares a channel with', async () => {
    for (const [route, path] of Object.entries(guestPeopleMatrix())) {
      const answer = await gus.client.get(path);
      const text = JSON.stringify(answer.body);
      assert.ok(!text.includes(bob.id) && !text.includes('"bob"') && !text.includes('"BOB"'), `${route} showed the guest bob: ${text}`);
    }
    const team = await gus.client.get(`/api/v1/teams/${world.team.id}/members`);
    assert.deepEqual(team.body.members.map((member: { username: string }) => member.username).sort(), ['alice', 'gus']);
  });

  test('every route that returns people is in the guest matrix', async () => {
    const deckPost = (await alice.client.get(`/api/v1/channels/${deck}/posts`)).body.posts[0].id;
    const ids: Record<string, string> = { users: alice.id, teams: world.team.id, channels: deck, posts: deckPost };
    const hasPerson = (value: unknown): boolean =>
      typeof value === 'object' && value !== null && ('username' in value || Object.values(value).some(hasPerson));
    const matrix = guestPeopleMatrix();
    let people = 0;
    for (const route of ROUTES.filter(
      (candidate) => candidate.method === 'get' && !['/api/v1/admin/backup', '/api/v1/admin/export'].includes(candidate.path),
    )) {
      const path = route.path.replace(/\/(\w+)\/:(\w+)/g, (_match, collection: string) => `/${collection}/${ids[collection] ?? 'x'}`);
      const answer = await world.admin.get(path);
      if (!hasPerson(answer.body)) continue;
      people += 1;
      assert.ok(route.path in matrix, `${route.path} returns people but is not in the guest matrix`);
    }
    assert.equal(people, Object.keys(matrix).length, 'each route in the matrix returns people');
  });

  test("a guest's socket learns nothing of people it shares no channel with: no account event, no presence", async () => {
    const stranger = await world.join('stranger');
    assert.equal((await stranger.client.patch('/api/v1/me', { displayName: 'The Stranger' })).status, 200);
    const strangerSocket = await stranger.client.socket();
    await strangerSocket.resume((await strangerSocket.next('hello')).feedSeq);
    const bobSaw = await bobSocket.until((frames) => frames.find((frame) => frame.type === 'presence' && frame.userId === stranger.id));
    assert.equal(bobSaw.status, 'online', 'a member sees the newcomer come online');
    await alice.client.post(`/api/v1/channels/${deck}/posts`, { message: 'deck sentinel for the stranger' });
    await gusSocket.until((frames) => frames.some((frame) => frame.event?.data?.message === 'deck sentinel for the stranger'));
    assert.ok(!JSON.stringify(gusSocket.frames).includes(stranger.id), 'nothing about the stranger reached the guest');
    const fresh = await gus.client.socket();
    const hello = await fresh.next('hello');
    assert.ok(!hello.online.includes(stranger.id), "the guest's hello does not list the stranger as online");
    assert.ok(hello.online.includes(gus.id));
    await Promise.all([fresh.close(), strangerSocket.close()]);
  });

  test('members cannot use admin endpoints', async () => {
    for (const [method, path, body] of [
      ['POST', '/api/v1/invites', { teamId: world.team.id }],
      ['GET', '/api/v1/invites', undefined],
      ['POST', '/api/v1/teams', { name: 'mutiny', displayName: 'Mutiny' }],
      ['POST', `/api/v1/users/${alice.id}/deactivate`, {}],
      ['PUT', `/api/v1/users/${bob.id}/role`, { role: 'admin' }],
      ['GET', '/api/v1/status', undefined],
    ] as const) {
      const response = await bob.client.request(method, path, body);
      assert.equal(response.status, 403, `${method} ${path}`);
      assert.equal(response.body.error.code, 'admin_only');
    }
  });

  test('an admin moderates channels it is not in without reading them', async () => {
    const dm = (await alice.client.post('/api/v1/channels/direct', { userId: bob.id })).body.channel.id;
    const rude = (await bob.client.post(`/api/v1/channels/${dm}/posts`, { message: 'something rude' })).body.post.id;
    assert.equal((await world.admin.get(`/api/v1/channels/${dm}/posts`)).status, 404);
    assert.equal((await world.admin.delete(`/api/v1/posts/${rude}`)).status, 204);
    const page = await alice.client.get(`/api/v1/channels/${dm}/posts`);
    assert.deepEqual(
      page.body.posts.map((post: { deleted: boolean; message: string }) => [post.deleted, post.message]),
      [[true, '']],
    );
    const hidden = (
      await alice.client.post('/api/v1/channels', { teamId: world.team.id, type: 'private', name: 'hideout', displayName: 'Hideout' })
    ).body.channel.id;
    const archived = await world.admin.post(`/api/v1/channels/${hidden}/archive`);
    assert.equal(archived.status, 200);
    assert.equal(archived.body.channel.archived, true);
    assert.equal((await world.admin.get(`/api/v1/channels/${hidden}/posts`)).status, 404);
  });

  test('a deactivated user is cut off at once: REST, bot token, socket and login', async () => {
    const carol = await world.join('carol');
    const token = (await carol.client.post('/api/v1/me/tokens', { name: 'bot' })).body.token as string;
    const socket = await carol.client.socket();
    await socket.resume((await socket.next('hello')).feedSeq);
    assert.equal((await world.admin.post(`/api/v1/users/${carol.id}/deactivate`)).status, 200);
    await socket.until(() => socket.closed);
    assert.equal(socket.closed?.code, 4001);
    assert.equal((await carol.client.get('/api/v1/me')).status, 401);
    const bot = world.client();
    bot.bearer = token;
    assert.equal((await bot.get('/api/v1/me')).status, 401);
    await assert.rejects(bot.socket(), /401/);
    const login = await world.client().post('/api/v1/auth/login', { username: 'carol', password: 'password of carol' });
    assert.equal(login.status, 403);
    assert.equal(login.body.error.code, 'user_deactivated');
  });

  test('unauthenticated requests are refused everywhere but setup, login, register, invites and health', async () => {
    const anonymous = world.client();
    for (const path of ['/api/v1/me', '/api/v1/channels', `/api/v1/channels/${deck}/posts`, '/api/v1/users', '/api/v1/teams']) {
      const response = await anonymous.get(path);
      assert.equal(response.status, 401, path);
      assert.equal(response.body.error.code, 'unauthorized');
    }
    await assert.rejects(anonymous.socket(), /401/);
  });
});
