/**
 * The WebSocket as people live with it: phones drop off the boat's wifi and come back, and must
 * then see every message they missed exactly once and in order; people only ever hear about
 * channels they may read; typing and presence reach the right people; ending an account or a
 * session ends its sockets at once.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { v7 as uuidv7 } from 'uuid';
import { startWorld, type World } from './helpers/world.js';
import { Socket, type ApiResponse, type Client } from './helpers/server.js';
import { mapConcurrently } from './helpers/concurrency.js';

// Rate limits out of the way: these tests send thousands of posts from one account on purpose.
const FAST = { HAIL_POSTS_PER_SECOND: '100000', HAIL_POST_BURST: '100000' };

let world: World;

before(async () => {
  world = await startWorld({ env: FAST });
});

after(async () => {
  if (!world) return;
  await world.dispose();
});

function ok<T>(response: ApiResponse<T>, what: string): T {
  assert.ok(response.status >= 200 && response.status < 300, `${what}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

async function privateChannel(owner: Client, name: string, memberIds: readonly string[]): Promise<string> {
  const created = ok(
    await owner.post('/api/v1/channels', { teamId: world.team.id, type: 'private', name, displayName: name }),
    `create #${name}`,
  );
  for (const userId of memberIds) ok(await owner.post(`/api/v1/channels/${created.channel.id}/members`, { userId }), `add to #${name}`);
  return created.channel.id;
}

async function publicChannel(owner: Client, name: string): Promise<string> {
  return ok(await owner.post('/api/v1/channels', { teamId: world.team.id, type: 'public', name, displayName: name }), `create #${name}`)
    .channel.id;
}

async function send(client: Client, channelId: string, message: string, id = uuidv7()): Promise<string> {
  ok(await client.post(`/api/v1/channels/${channelId}/posts`, { id, message }), `post "${message.slice(0, 40)}"`);
  return id;
}

/** A live socket: connected, and resumed from the feed position the server announced. */
async function live(client: Client): Promise<{ socket: Socket; hello: any }> {
  const socket = await client.socket();
  const hello = await socket.next('hello');
  await socket.resume(hello.feedSeq);
  return { socket, hello };
}

/** Sends resume and waits for `resumed`, scanning each frame once (replays can be thousands long). */
async function resumeFrom(socket: Socket, since: number, timeoutMs = 5000): Promise<any> {
  let at = socket.frames.length;
  socket.send({ type: 'resume', since });
  return socket.until((frames) => {
    for (; at < frames.length; at++) if (frames[at].type === 'resumed') return frames[at];
    return undefined;
  }, timeoutMs);
}

/** Waits until every post id has arrived as a post.created event. */
async function untilPosts(socket: Socket, ids: readonly string[], timeoutMs = 5000): Promise<void> {
  const missing = new Set(ids);
  let at = 0;
  await socket.until((frames) => {
    for (; at < frames.length; at++) {
      const frame = frames[at];
      if (frame.type === 'event' && frame.event.type === 'post.created') missing.delete(frame.event.id);
    }
    return missing.size === 0;
  }, timeoutMs);
}

const untilEvent = (socket: Socket, match: (event: any) => boolean, timeoutMs = 5000) =>
  socket.until((frames) => frames.find((frame) => frame.type === 'event' && match(frame.event)), timeoutMs);

/** A round trip: every frame the server sent before answering the ping has arrived. */
async function barrier(socket: Socket): Promise<void> {
  const seen = socket.frames.length;
  socket.send({ type: 'ping' });
  await socket.until((frames) => frames.slice(seen).some((frame) => frame.type === 'pong'));
}

function waitClosed(socket: Socket, timeoutMs = 3000): Promise<{ code: number; reason: string }> {
  if (socket.closed) return Promise.resolve(socket.closed);
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`socket still open after ${timeoutMs} ms`)), timeoutMs);
    socket.ws.once('close', (code, reason) => {
      clearTimeout(timer);
      done({ code, reason: reason.toString() });
    });
  });
}

const feedSeqs = (frames: readonly any[]): number[] => frames.filter((frame) => frame.type === 'event').map((frame) => frame.feedSeq);

function assertStrictlyIncreasing(seqs: readonly number[], what: string): void {
  for (let index = 1; index < seqs.length; index++) {
    assert.ok(seqs[index]! > seqs[index - 1]!, `${what}: feedSeq ${seqs[index]} came after ${seqs[index - 1]} (position ${index})`);
  }
}

const count = <T>(items: readonly T[], predicate: (item: T) => boolean): number => items.filter(predicate).length;

describe('a phone that drops off the wifi and comes back', () => {
  test('receives every event it missed exactly once and in order, then live ones', { timeout: 60000 }, async () => {
    const alice = await world.join('alice-drop');
    const bob = await world.join('bob-drop');
    const carol = await world.join('carol-drop');
    const channelId = await privateChannel(bob.client, 'drop-watch', [alice.id, carol.id]);
    // Carol stays connected the whole time: her stream is what Alice should end up with.
    const witness = (await live(carol.client)).socket;
    const first = (await live(alice.client)).socket;
    const firstPost = await send(bob.client, channelId, 'Anchor down, all well');
    await untilPosts(first, [firstPost]);
    const lastSeen = Math.max(...feedSeqs(first.frames));
    await first.close();

    const missed: string[] = [];
    for (let batch = 0; batch < 5; batch++) {
      missed.push(
        ...(await Promise.all(Array.from({ length: 10 }, (_, index) => send(bob.client, channelId, `Watch log ${batch * 10 + index}`)))),
      );
    }
    ok(await bob.client.patch(`/api/v1/posts/${missed[3]}`, { message: 'Watch log 3 (corrected)' }), 'edit');
    ok(await carol.client.put(`/api/v1/posts/${missed[5]}/reactions/thumbsup`), 'react');
    ok(await bob.client.delete(`/api/v1/posts/${missed[7]}`), 'delete');
    ok(await bob.client.patch(`/api/v1/channels/${channelId}`, { header: 'Night watch rota' }), 'update channel');

    const socket = await alice.client.socket();
    await socket.next('hello');
    // Written after the socket opened but before it asked to resume: part of the replay.
    const beforeResume = [
      await send(bob.client, channelId, 'While you were connecting 1'),
      await send(bob.client, channelId, 'While you were connecting 2'),
    ];
    // Written while the replay runs: either replayed or streamed live, never both, never neither.
    let at = socket.frames.length;
    socket.send({ type: 'resume', since: lastSeen });
    const duringResume = await Promise.all(
      Array.from({ length: 5 }, (_, index) => send(bob.client, channelId, `During the replay ${index}`)),
    );
    await socket.until((frames) => {
      for (; at < frames.length; at++) if (frames[at].type === 'resumed') return true;
      return false;
    });
    const afterResume: string[] = [];
    for (let index = 0; index < 3; index++) afterResume.push(await send(bob.client, channelId, `Live again ${index}`));

    const everyPost = [...missed, ...beforeResume, ...duringResume, ...afterResume];
    await untilPosts(socket, everyPost);
    await untilPosts(witness, everyPost);
    await barrier(socket);
    await barrier(witness);

    const events = socket.events();
    const seqs = feedSeqs(socket.frames);
    assertStrictlyIncreasing(seqs, 'after reconnecting');
    assert.ok(
      seqs.every((seq) => seq > lastSeen),
      'nothing from before the drop is sent again',
    );
    for (const id of everyPost)
      assert.equal(
        count(events, (event) => event.event.type === 'post.created' && event.event.id === id),
        1,
        `post ${id} arrives once`,
      );
    assert.equal(
      count(events, (event) => event.event.type === 'post.created' && event.event.id === firstPost),
      0,
    );
    assert.equal(
      count(events, (event) => event.event.type === 'post.edited' && event.event.id === missed[3]),
      1,
    );
    assert.equal(events.find((event) => event.event.type === 'post.edited')?.event.data.message, 'Watch log 3 (corrected)');
    assert.equal(
      count(events, (event) => event.event.type === 'reaction.set' && event.event.id === missed[5] && event.event.actorId === carol.id),
      1,
    );
    assert.equal(
      count(events, (event) => event.event.type === 'post.deleted' && event.event.id === missed[7]),
      1,
    );
    assert.equal(
      count(events, (event) => event.event.type === 'channel.updated' && event.event.id === channelId),
      1,
    );

    // Exactly what the member who never left saw, from the same point on: no gaps, no extras.
    const key = (frame: any) => `${frame.feedSeq} ${frame.event.type} ${frame.event.id}`;
    assert.deepEqual(
      events.map(key),
      witness
        .events()
        .filter((frame) => frame.feedSeq > lastSeen)
        .map(key),
    );

    // `resumed` separates the replay from the live stream.
    const resumedAt = socket.frames.findIndex((frame) => frame.type === 'resumed');
    const resumed = socket.frames[resumedAt];
    assert.ok(
      feedSeqs(socket.frames.slice(0, resumedAt)).every((seq) => seq <= resumed.feedSeq),
      'replayed events are at or before the resumed mark',
    );
    assert.ok(
      feedSeqs(socket.frames.slice(resumedAt)).every((seq) => seq > resumed.feedSeq),
      'live events are after the resumed mark',
    );
    for (const id of afterResume) {
      const index = socket.frames.findIndex((frame) => frame.type === 'event' && frame.event.id === id);
      assert.ok(index > resumedAt, 'posts sent after resumed arrive live');
    }
    await socket.close();
    await witness.close();
  });

  test('three weeks offshore: a backlog of 3,000 posts replays completely through resume', { timeout: 120000 }, async () => {
    const alice = await world.join('alice-offshore');
    const bob = await world.join('bob-offshore');
    const channelId = await privateChannel(bob.client, 'offshore-log', [alice.id]);
    const bot = world.client();
    bot.bearer = ok(await bob.client.post('/api/v1/me/tokens', { name: 'log bot' }), 'token').token;
    const { socket: first, hello } = await live(alice.client);
    await first.close();

    const posted = Date.now();
    const ids = Array.from({ length: 3000 }, () => uuidv7());
    const statuses = await mapConcurrently(
      ids,
      32,
      async (id, index) =>
        (await bot.post(`/api/v1/channels/${channelId}/posts`, { id, message: `Position report ${index}: 47°N 3°W, wind SW 4` })).status,
    );
    assert.deepEqual([...new Set(statuses)], [201], 'every post of the backlog was accepted');
    const postMs = Date.now() - posted;

    const socket = await alice.client.socket();
    await socket.next('hello');
    const started = Date.now();
    const resumed = await resumeFrom(socket, hello.feedSeq, 60000);
    const replayMs = Date.now() - started;
    console.log(`backlog: 3000 posts sent in ${postMs} ms (32 in flight); replayed in ${replayMs} ms`);

    const created = socket.events().filter((frame) => frame.event.type === 'post.created');
    assert.equal(created.length, ids.length, 'every post of the backlog is replayed once');
    assert.deepEqual(new Set(created.map((frame) => frame.event.id)), new Set(ids));
    assertStrictlyIncreasing(feedSeqs(socket.frames), 'the replay');
    assert.ok(resumed.feedSeq >= created.at(-1).feedSeq);
    await socket.close();
  });

  test(
    'a backlog of long posts replays completely and in order to a reader that stalls, while new posts keep coming',
    { timeout: 120000 },
    async () => {
      const alice = await world.join('alice-grib');
      const bob = await world.join('bob-grib');
      const channelId = await privateChannel(bob.client, 'grib-notes', [alice.id]);
      const { socket: first, hello } = await live(alice.client);
      await first.close();

      // Long forecasts: a page of the replay is then megabytes, beyond the socket's backpressure
      // limit, and the whole backlog (16 MB) more than the kernel's buffers hold.
      const forecast = 'Gale warning. '.repeat(1150);
      const backlog = Array.from({ length: 1000 }, () => uuidv7());
      await mapConcurrently(backlog, 16, (id, index) => send(bob.client, channelId, `${index} ${forecast}`, id));

      const socket = await alice.client.socket();
      await socket.next('hello');
      // A phone busy elsewhere reads nothing for a second; the server must wait, not give up.
      socket.ws.pause();
      let at = socket.frames.length;
      socket.send({ type: 'resume', since: hello.feedSeq });
      // Sent while the replay is stalled: they must wait their turn behind the backlog, not jump it.
      const duringStall: string[] = [];
      for (let index = 0; index < 5; index++) duringStall.push(await send(bob.client, channelId, `Update ${index}: wind backing SE`));
      ok(await bob.client.patch(`/api/v1/posts/${backlog[0]}`, { message: 'Forecast withdrawn' }), 'edit');
      await new Promise((done) => setTimeout(done, 1000));
      const started = Date.now();
      socket.ws.resume();
      await socket.until((frames) => {
        for (; at < frames.length; at++) if (frames[at].type === 'resumed') return true;
        return false;
      }, 60000);
      console.log(
        `long backlog: ${backlog.length} posts of ${forecast.length} characters replayed in ${Date.now() - started} ms after the reader woke`,
      );
      const afterwards = await send(bob.client, channelId, 'Back to normal');
      await untilPosts(socket, [afterwards]);
      await barrier(socket);

      const events = socket.events();
      const everyPost = [...backlog, ...duringStall, afterwards];
      const created = events.filter((frame) => frame.event.type === 'post.created');
      assert.equal(created.length, everyPost.length, 'each post arrives once');
      assert.deepEqual(new Set(created.map((frame) => frame.event.id)), new Set(everyPost));
      assert.equal(
        count(events, (frame) => frame.event.type === 'post.edited' && frame.event.id === backlog[0]),
        1,
      );
      assertStrictlyIncreasing(feedSeqs(socket.frames), 'the replay and what followed');
      await socket.close();
    },
  );

  test('a client whose position is beyond the feed (a restored box) is told to reset, then gets live events', async () => {
    const alice = await world.join('alice-restored');
    const socket = await alice.client.socket();
    const hello = await socket.next('hello');
    socket.send({ type: 'resume', since: hello.feedSeq + 1_000_000 });
    const reset = await socket.next('reset');
    assert.equal(reset.feedSeq, hello.feedSeq);
    await socket.next('resumed');
    const id = await send(world.admin, world.team.defaultChannelId, 'Restored from backup, carry on');
    const event = await untilEvent(socket, (event) => event.type === 'post.created' && event.id === id);
    assert.ok(event.feedSeq > reset.feedSeq);
    assert.equal(
      count(socket.frames, (frame) => frame.type === 'event' && frame.feedSeq <= reset.feedSeq),
      0,
      'nothing from before the reset point is replayed',
    );
    await socket.close();
  });
});

describe('live events reach the members of a channel', () => {
  test('posts, edits, reactions, pins, deletes, channel changes and membership changes arrive as they happen', async () => {
    const alice = await world.join('alice-live');
    const bob = await world.join('bob-live');
    const channelId = await publicChannel(world.admin, 'foredeck');
    ok(await alice.client.post(`/api/v1/channels/${channelId}/join`), 'alice joins');
    const { socket } = await live(alice.client);

    ok(await bob.client.post(`/api/v1/channels/${channelId}/join`), 'bob joins');
    const joined = await untilEvent(socket, (event) => event.type === 'channel.member-set' && event.data.userId === bob.id);
    assert.equal(joined.event.id, channelId);
    assert.equal(joined.event.data.member, true);

    const postId = await send(bob.client, channelId, 'Spinnaker is packed');
    const created = await untilEvent(socket, (event) => event.type === 'post.created' && event.id === postId);
    assert.equal(created.event.actorId, bob.id);
    assert.equal(created.event.data.channelId, channelId);
    assert.equal(created.event.data.message, 'Spinnaker is packed');
    assert.equal(typeof created.event.at, 'number');

    ok(await bob.client.patch(`/api/v1/posts/${postId}`, { message: 'Spinnaker is packed and ready' }), 'edit');
    assert.equal(
      (await untilEvent(socket, (event) => event.type === 'post.edited' && event.id === postId)).event.data.message,
      'Spinnaker is packed and ready',
    );

    ok(await bob.client.put(`/api/v1/posts/${postId}/reactions/sailboat`), 'react');
    const reaction = await untilEvent(socket, (event) => event.type === 'reaction.set' && event.id === postId);
    assert.deepEqual(reaction.event.data, { emoji: 'sailboat', active: true });

    ok(await bob.client.put(`/api/v1/posts/${postId}/pin`), 'pin');
    assert.deepEqual((await untilEvent(socket, (event) => event.type === 'pin.set' && event.id === postId)).event.data, { pinned: true });

    ok(await world.admin.patch(`/api/v1/channels/${channelId}`, { header: 'Bow team only', purpose: 'Sail handling' }), 'update');
    const updated = await untilEvent(socket, (event) => event.type === 'channel.updated' && event.id === channelId);
    assert.equal(updated.event.data.header, 'Bow team only');
    assert.equal(updated.event.data.purpose, 'Sail handling');

    ok(await bob.client.delete(`/api/v1/posts/${postId}`), 'delete');
    const deleted = await untilEvent(socket, (event) => event.type === 'post.deleted' && event.id === postId);
    assert.equal(deleted.event.actorId, bob.id);

    ok(await bob.client.post(`/api/v1/channels/${channelId}/leave`), 'bob leaves');
    const left = await untilEvent(
      socket,
      (event) => event.type === 'channel.member-set' && event.data.userId === bob.id && event.data.member === false,
    );
    assert.equal(left.event.id, channelId);

    assertStrictlyIncreasing(feedSeqs(socket.frames), 'live events');
    await socket.close();
  });

  test('someone added to a channel hears about it and then receives its posts live', async () => {
    const alice = await world.join('alice-added');
    const bob = await world.join('bob-added');
    const channelId = await privateChannel(bob.client, 'chart-table', []);
    const { socket } = await live(alice.client);
    ok(await bob.client.post(`/api/v1/channels/${channelId}/members`, { userId: alice.id }), 'add alice');
    const added = await untilEvent(socket, (event) => event.type === 'channel.member-set' && event.id === channelId);
    assert.deepEqual(added.event.data, { userId: alice.id, member: true });
    const postId = await send(bob.client, channelId, 'Welcome to the chart table');
    await untilPosts(socket, [postId]);
    await socket.close();
  });
});

describe('administrators hear of every team', () => {
  test('an administrator outside a team hears it created, renamed and joined; a member outside it hears none of that', async () => {
    const harbourmaster = await world.join('harbourmaster');
    ok(await world.admin.put(`/api/v1/users/${harbourmaster.id}/role`, { role: 'admin' }), 'promote');
    const outsider = await world.join('outsider-teams');
    const admin = await live(harbourmaster.client);
    const member = await live(outsider.client);

    const teamId = uuidv7();
    ok(await world.admin.post('/api/v1/teams', { id: teamId, name: 'race-committee', displayName: 'Race committee' }), 'create team');
    await untilEvent(admin.socket, (event) => event.type === 'team.created' && event.id === teamId);
    ok(await world.admin.patch(`/api/v1/teams/${teamId}`, { displayName: 'Race committee 2027' }), 'rename');
    assert.equal(
      (await untilEvent(admin.socket, (event) => event.type === 'team.updated' && event.id === teamId)).event.data.displayName,
      'Race committee 2027',
    );
    ok(await world.admin.post(`/api/v1/teams/${teamId}/members`, { userId: harbourmaster.id }), 'add to team');
    await untilEvent(
      admin.socket,
      (event) => event.type === 'team.member-set' && event.id === teamId && event.data.userId === harbourmaster.id,
    );

    await barrier(member.socket);
    assert.equal(
      count(member.socket.frames, (frame) => frame.type === 'event' && frame.event.id === teamId),
      0,
      'nothing of the team reached a member outside it',
    );
    await admin.socket.close();
    await member.socket.close();
  });
});

describe('nobody hears about a channel they cannot read', () => {
  test('a member outside a private channel receives none of its events', async () => {
    const alice = await world.join('alice-outside');
    const bob = await world.join('bob-inside');
    const { socket } = await live(alice.client);
    const secret = await privateChannel(bob.client, 'owners-cabin', []);
    const secretPost = await send(bob.client, secret, 'The spare keys are in the bilge locker');
    ok(await bob.client.patch(`/api/v1/posts/${secretPost}`, { message: 'The spare keys are under the chart table' }), 'edit');
    ok(await bob.client.put(`/api/v1/posts/${secretPost}/reactions/key`), 'react');
    ok(await bob.client.put(`/api/v1/posts/${secretPost}/pin`), 'pin');
    ok(await bob.client.patch(`/api/v1/channels/${secret}`, { header: 'Owners only' }), 'update');
    // A post everyone in the team sees, written after the secret ones: once it arrives, so would they have.
    const sentinel = await send(bob.client, world.team.defaultChannelId, 'Lunch is ready');
    await untilPosts(socket, [sentinel]);
    await barrier(socket);
    const leaked = socket
      .events()
      .filter((frame) => frame.event.id === secret || frame.event.id === secretPost || frame.event.data?.channelId === secret);
    assert.deepEqual(leaked, []);

    // Nor on a full replay from the beginning.
    const again = await alice.client.socket();
    await again.next('hello');
    await resumeFrom(again, 0);
    assert.ok(
      again.events().some((frame) => frame.event.id === sentinel),
      'the replay from 0 does include what alice may read',
    );
    assert.deepEqual(
      again
        .events()
        .filter((frame) => frame.event.id === secret || frame.event.id === secretPost || frame.event.data?.channelId === secret),
      [],
    );
    await again.close();
    await socket.close();
  });

  test('someone removed from a private channel gets the removal, then nothing more from it, even replaying from 0', async () => {
    const alice = await world.join('alice-removed');
    const bob = await world.join('bob-remover');
    const secret = await privateChannel(bob.client, 'mutiny-planning', [alice.id]);
    const { socket } = await live(alice.client);
    const whileIn = await send(bob.client, secret, 'Meet at the mast at midnight');
    await untilPosts(socket, [whileIn]);

    ok(await bob.client.delete(`/api/v1/channels/${secret}/members/${alice.id}`), 'remove alice');
    const removal = await untilEvent(
      socket,
      (event) =>
        event.type === 'channel.member-set' && event.id === secret && event.data.userId === alice.id && event.data.member === false,
    );

    const afterPost = await send(bob.client, secret, 'She is out; new plan');
    ok(await bob.client.patch(`/api/v1/posts/${whileIn}`, { message: 'Meet at the bow instead' }), 'edit old post');
    ok(await bob.client.put(`/api/v1/posts/${whileIn}/reactions/skull`), 'react');
    ok(await bob.client.put(`/api/v1/posts/${afterPost}/pin`), 'pin');
    ok(await bob.client.patch(`/api/v1/channels/${secret}`, { purpose: 'Nothing to see here' }), 'update');
    ok(await bob.client.delete(`/api/v1/posts/${whileIn}`), 'delete old post');
    const sentinel = await send(bob.client, world.team.defaultChannelId, 'Dinner at eight');
    await untilPosts(socket, [sentinel]);
    await barrier(socket);

    const aboutSecret = (frame: any) =>
      frame.type === 'event' &&
      (frame.event.id === secret || frame.event.id === whileIn || frame.event.id === afterPost || frame.event.data?.channelId === secret);
    const afterRemoval = socket.frames.slice(socket.frames.indexOf(removal) + 1).filter(aboutSecret);
    assert.deepEqual(afterRemoval, [], 'nothing about the channel after the removal');

    const again = await alice.client.socket();
    await again.next('hello');
    await resumeFrom(again, 0);
    assert.ok(again.events().some((frame) => frame.event.id === sentinel));
    const replayed = again.frames.filter(aboutSecret);
    // Only her own membership changes, which are about her, may be replayed; no post, edit or change of the channel.
    for (const frame of replayed) {
      assert.equal(frame.event.type, 'channel.member-set', `replayed ${frame.event.type} of a channel alice left`);
      assert.equal(frame.event.data.userId, alice.id);
    }
    assert.ok(
      replayed.some((frame) => frame.event.data.member === false),
      'the replay tells her she was removed',
    );
    await again.close();
    await socket.close();
  });
});

describe('typing and presence', () => {
  test('typing reaches the other members of the channel, not outsiders and not the typist', async () => {
    const alice = await world.join('alice-typing');
    const bob = await world.join('bob-typing');
    const carol = await world.join('carol-typing');
    const channelId = await privateChannel(bob.client, 'galley-chat', [alice.id]);
    const bobSocket = (await live(bob.client)).socket;
    const aliceSocket = (await live(alice.client)).socket;
    const carolSocket = (await live(carol.client)).socket;

    bobSocket.send({ type: 'typing', channelId });
    const typing = await aliceSocket.next('typing');
    assert.deepEqual(typing, { type: 'typing', channelId, rootId: null, userId: bob.id });

    // An outsider cannot type into the channel either.
    carolSocket.send({ type: 'typing', channelId });
    const sentinel = await send(world.admin, world.team.defaultChannelId, 'Galley closes at nine');
    await Promise.all([untilPosts(aliceSocket, [sentinel]), untilPosts(bobSocket, [sentinel]), untilPosts(carolSocket, [sentinel])]);
    await Promise.all([barrier(aliceSocket), barrier(bobSocket), barrier(carolSocket)]);
    assert.equal(
      count(carolSocket.frames, (frame) => frame.type === 'typing'),
      0,
      'a non-member sees no typing',
    );
    assert.equal(
      count(bobSocket.frames, (frame) => frame.type === 'typing'),
      0,
      'the typist does not see itself',
    );
    assert.equal(
      count(aliceSocket.frames, (frame) => frame.type === 'typing'),
      1,
      'the outsider typing reached nobody',
    );
    await Promise.all([aliceSocket.close(), bobSocket.close(), carolSocket.close()]);
  });

  test('people see each other come online and go offline', async () => {
    const alice = await world.join('alice-presence');
    const dave = await world.join('dave-presence');
    const { socket: aliceSocket, hello } = await live(alice.client);
    assert.ok(hello.online.includes(alice.id), 'hello lists who is online, oneself included');
    assert.ok(!hello.online.includes(dave.id));

    const daveSocket = await dave.client.socket();
    const online = await aliceSocket.until((frames) => frames.find((frame) => frame.type === 'presence' && frame.userId === dave.id));
    assert.equal(online.status, 'online');
    const daveHello = await daveSocket.next('hello');
    assert.ok(daveHello.online.includes(alice.id));

    // Dave also has the app open on a second device: closing one of them is not going offline.
    const daveLaptop = await dave.client.socket();
    await daveLaptop.next('hello');
    await daveSocket.close();
    await barrier(aliceSocket);
    assert.equal(
      count(aliceSocket.frames, (frame) => frame.type === 'presence' && frame.userId === dave.id),
      1,
      'still online on the other device',
    );
    await daveLaptop.close();
    const offline = await aliceSocket.until((frames) =>
      frames.find((frame) => frame.type === 'presence' && frame.userId === dave.id && frame.status === 'offline'),
    );
    assert.equal(offline.status, 'offline');
    await aliceSocket.close();
  });
});

describe('ending an account or a session ends its sockets', () => {
  test('a deactivated account is disconnected at once with 4001 and cannot reconnect', async () => {
    const mallory = await world.join('mallory');
    const { socket } = await live(mallory.client);
    ok(await world.admin.post(`/api/v1/users/${mallory.id}/deactivate`), 'deactivate');
    const closed = await waitClosed(socket, 2000);
    assert.equal(closed.code, 4001);
    await assert.rejects(mallory.client.socket(), (error: any) => error.status === 401);
  });

  test("logging out closes that session's socket with 4002 and leaves the other device connected", async () => {
    const frank = await world.join('frank');
    const laptop = world.client();
    ok(await laptop.post('/api/v1/auth/login', { username: 'frank', password: 'password of frank' }), 'login on the laptop');
    const phoneSocket = (await live(frank.client)).socket;
    const laptopSocket = (await live(laptop)).socket;
    ok(await frank.client.post('/api/v1/auth/logout'), 'logout on the phone');
    const closed = await waitClosed(phoneSocket, 2000);
    assert.equal(closed.code, 4002);
    await barrier(laptopSocket);
    assert.equal(laptopSocket.closed, undefined);
    await laptopSocket.close();
  });

  test('revoking a bot token closes the sockets opened with it with 4002', async () => {
    const owner = await world.join('bot-owner');
    const bot = world.client();
    const token = ok(await owner.client.post('/api/v1/me/tokens', { name: 'weather bot' }), 'token');
    bot.bearer = token.token;
    const { socket } = await live(bot);
    ok(await owner.client.delete(`/api/v1/me/tokens/${token.id}`), 'revoke');
    assert.equal((await waitClosed(socket, 2000)).code, 4002);
    await assert.rejects(bot.socket(), (error: any) => error.status === 401);
  });

  test('an upgrade without a session is refused with 401', async () => {
    await assert.rejects(world.client().socket(), (error: any) => error.status === 401);
    await assert.rejects(
      Socket.open(world.hail.url.replace(/^http/, 'ws') + '/api/v1/ws', { cookie: 'hail_session=not-a-real-session' }),
      (error: any) => error.status === 401,
    );
  });

  test('an upgrade with a session cookie from another site is refused with 403', async () => {
    const url = world.hail.url.replace(/^http/, 'ws') + '/api/v1/ws';
    await assert.rejects(
      Socket.open(url, { cookie: world.admin.cookie, origin: 'http://evil.example' }),
      (error: any) => error.status === 403,
    );
    // The box's own pages still connect.
    const own = await Socket.open(url, { cookie: world.admin.cookie, origin: world.hail.url });
    await own.next('hello');
    await own.close();
  });
});
