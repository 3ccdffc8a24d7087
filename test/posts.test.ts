/**
 * Posts over real HTTP: sending (idempotent by client-minted id), limits, threads, editing,
 * deleting, reactions, pins, walking history page by page, and unread and mention counts.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { v7 as uuidv7 } from 'uuid';
import type { ApiResponse, Client } from './helpers/server.js';
import { startWorld, type World } from './helpers/world.js';

function assertError(response: ApiResponse, status: number, code: string): void {
  assert.equal(response.status, status, `expected ${status} ${code}, got ${response.status} ${JSON.stringify(response.body)}`);
  assert.equal(response.body?.error?.code, code);
  assert.equal(typeof response.body.error.message, 'string');
}

describe('posts', () => {
  let world: World;
  let alice: { client: Client; id: string };
  let bob: { client: Client; id: string };
  let counter = 0;

  before(async () => {
    world = await startWorld();
    alice = await world.join('alice');
    bob = await world.join('bob');
  });
  after(async () => {
    await world.dispose();
  });

  /** A fresh public channel made by alice that bob has joined, so no test sees another's posts. */
  const freshChannel = async (): Promise<string> => {
    const made = await alice.client.post('/api/v1/channels', {
      teamId: world.team.id,
      type: 'public',
      name: `deck-${++counter}`,
      displayName: `Deck ${counter}`,
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.equal((await bob.client.post(`/api/v1/channels/${made.body.channel.id}/join`)).status, 200);
    return made.body.channel.id;
  };
  const send = (client: Client, channelId: string, message: string, extra: Record<string, unknown> = {}) =>
    client.post(`/api/v1/channels/${channelId}/posts`, { message, ...extra });
  const sent = async (client: Client, channelId: string, message: string, extra: Record<string, unknown> = {}) => {
    const answer = await send(client, channelId, message, extra);
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    return answer.body.post as { id: string; [key: string]: any };
  };
  const history = async (client: Client, channelId: string) => {
    const page = await client.get(`/api/v1/channels/${channelId}/posts?limit=200`);
    assert.equal(page.status, 200);
    return page.body.posts as any[];
  };
  const sidebarRow = async (client: Client, channelId: string) => {
    const channels = await client.get('/api/v1/channels');
    const row = channels.body.channels.find((channel: any) => channel.id === channelId);
    assert.ok(row, `channel ${channelId} is not in the sidebar`);
    return row as { unread: number; mentions: number };
  };

  describe('sending', () => {
    test('a new post answers 201 with the post as stored', async () => {
      const channel = await freshChannel();
      const id = uuidv7();
      const answer = await send(alice.client, channel, 'Fair winds, *all*', { id });
      assert.equal(answer.status, 201);
      const post = answer.body.post;
      assert.equal(post.id, id);
      assert.equal(post.channelId, channel);
      assert.equal(post.userId, alice.id);
      assert.equal(post.message, 'Fair winds, *all*');
      assert.equal(post.rootId, null);
      assert.equal(post.deleted, false);
      assert.equal(post.editedAt, null);
      assert.ok(Math.abs(post.createdAt - Date.now()) < 60_000);
      assert.deepEqual(post.reactions, []);
      assert.deepEqual((await alice.client.get(`/api/v1/posts/${id}`)).body.post, post);
    });

    test('the server mints an id when the client sends none', async () => {
      const channel = await freshChannel();
      const post = await sent(alice.client, channel, 'no id from me');
      assert.match(post.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    });

    test('a retried send with the same id answers 200 with the original post and makes no duplicate', async () => {
      const channel = await freshChannel();
      const id = uuidv7();
      const first = await send(alice.client, channel, 'Anchored in the bay', { id });
      assert.equal(first.status, 201);
      const retry = await send(alice.client, channel, 'Anchored in the bay', { id });
      assert.equal(retry.status, 200);
      assert.deepEqual(retry.body.post, first.body.post);
      const posts = await history(bob.client, channel);
      assert.deepEqual(
        posts.map((post) => post.id),
        [id],
      );
      assert.equal((await sidebarRow(bob.client, channel)).unread, 1);
    });

    test('a retry after an edit still answers with the post and does not undo the edit', async () => {
      const channel = await freshChannel();
      const id = uuidv7();
      await sent(alice.client, channel, 'first text', { id });
      await alice.client.patch(`/api/v1/posts/${id}`, { message: 'edited text' });
      const retry = await send(alice.client, channel, 'first text', { id });
      assert.equal(retry.status, 200);
      assert.equal(retry.body.post.message, 'edited text');
      assert.equal((await history(alice.client, channel)).length, 1);
    });

    test('a retry of a post deleted meanwhile answers 200 with the tombstone, and does not bring it back', async () => {
      const channel = await freshChannel();
      const id = uuidv7();
      await sent(alice.client, channel, 'sent twice, deleted between', { id });
      assert.equal((await alice.client.delete(`/api/v1/posts/${id}`)).status, 204);
      const retry = await send(alice.client, channel, 'sent twice, deleted between', { id });
      assert.equal(retry.status, 200, JSON.stringify(retry.body));
      assert.equal(retry.body.post.id, id);
      assert.equal(retry.body.post.deleted, true);
      assert.equal(retry.body.post.message, '');
      const posts = await history(bob.client, channel);
      assert.deepEqual(
        posts.map((post) => [post.id, post.deleted]),
        [[id, true]],
      );
    });

    test("another user's post id is refused with 409 post_id_taken", async () => {
      const channel = await freshChannel();
      const id = uuidv7();
      await sent(alice.client, channel, 'mine', { id });
      assertError(await send(bob.client, channel, 'also mine?', { id }), 409, 'post_id_taken');
      const posts = await history(alice.client, channel);
      assert.deepEqual(
        posts.map((post) => [post.id, post.userId, post.message]),
        [[id, alice.id, 'mine']],
      );
    });

    test('a message of 16,383 characters is accepted and one of 16,384 is refused with post_too_long', async () => {
      const channel = await freshChannel();
      const longest = 'x'.repeat(16_383);
      const accepted = await send(alice.client, channel, longest);
      assert.equal(accepted.status, 201);
      assert.equal(accepted.body.post.message.length, 16_383);
      assertError(await send(alice.client, channel, 'x'.repeat(16_384)), 400, 'post_too_long');
      assert.equal((await history(alice.client, channel)).length, 1);
    });

    test('length counts characters, not UTF-16 units: 16,383 emoji are accepted and 16,384 refused', async () => {
      const channel = await freshChannel();
      const wave = '\u{1F30A}';
      for (const count of [8_192, 16_383]) {
        const accepted = await send(alice.client, channel, wave.repeat(count));
        assert.equal(accepted.status, 201, `${count} emoji: ${JSON.stringify(accepted.body.error)}`);
        assert.equal(accepted.body.post.message, wave.repeat(count));
      }
      const refused = await send(alice.client, channel, wave.repeat(16_384));
      assertError(refused, 400, 'post_too_long');
      assert.match(refused.body.error.message, /16,383 characters/);
      const post = (await history(alice.client, channel))[0];
      assertError(await alice.client.patch(`/api/v1/posts/${post.id}`, { message: `${wave.repeat(16_383)}x` }), 400, 'post_too_long');
      assert.equal((await alice.client.patch(`/api/v1/posts/${post.id}`, { message: wave.repeat(16_383) })).status, 200);
      assert.equal((await history(alice.client, channel)).length, 2);
    });

    test('an empty message is refused', async () => {
      const channel = await freshChannel();
      const empty = await send(alice.client, channel, '');
      assert.equal(empty.status, 400);
      assert.equal(typeof empty.body.error.code, 'string');
      assert.deepEqual(await history(alice.client, channel), []);
    });

    test('a member who has not joined a public channel cannot post in it', async () => {
      const made = await alice.client.post('/api/v1/channels', {
        teamId: world.team.id,
        type: 'public',
        name: `quiet-${++counter}`,
        displayName: 'Quiet',
      });
      assertError(await send(bob.client, made.body.channel.id, 'let me in'), 403, 'not_channel_member');
    });
  });

  describe('threads', () => {
    test('replies gather under their root, oldest first', async () => {
      const channel = await freshChannel();
      const root = await sent(alice.client, channel, 'Who has spare fuel?');
      const first = await sent(bob.client, channel, '20 litres here', { rootId: root.id });
      const second = await sent(alice.client, channel, 'Thanks, coming over', { rootId: root.id });
      assert.equal(first.rootId, root.id);
      const thread = await bob.client.get(`/api/v1/posts/${root.id}/thread`);
      assert.equal(thread.status, 200);
      assert.deepEqual(
        thread.body.posts.map((post: any) => post.id),
        [root.id, first.id, second.id],
      );
      const fromReply = await bob.client.get(`/api/v1/posts/${first.id}/thread`);
      assert.deepEqual(
        fromReply.body.posts.map((post: any) => post.id),
        [root.id, first.id, second.id],
      );
      const rootNow = (await alice.client.get(`/api/v1/posts/${root.id}`)).body.post;
      assert.equal(rootNow.replyCount, 2);
      assert.equal(rootNow.lastReplyAt, second.createdAt);
    });

    test('the thread of a deleted root shows the root as a tombstone and the live replies', async () => {
      const channel = await freshChannel();
      const root = await sent(alice.client, channel, 'Who has spare fuel?');
      const first = await sent(bob.client, channel, '20 litres here', { rootId: root.id });
      const second = await sent(alice.client, channel, 'Thanks, coming over', { rootId: root.id });
      assert.equal((await alice.client.delete(`/api/v1/posts/${root.id}`)).status, 204);
      for (const from of [root.id, first.id]) {
        const thread = await bob.client.get(`/api/v1/posts/${from}/thread`);
        assert.equal(thread.status, 200, JSON.stringify(thread.body));
        assert.deepEqual(
          thread.body.posts.map((post: any) => [post.id, post.deleted, post.message]),
          [
            [root.id, true, ''],
            [first.id, false, '20 litres here'],
            [second.id, false, 'Thanks, coming over'],
          ],
        );
      }
      // Deleted is still deleted for everything else.
      assertError(await bob.client.get(`/api/v1/posts/${root.id}`), 404, 'post_not_found');
    });

    test('replying to a reply is refused with invalid_root', async () => {
      const channel = await freshChannel();
      const root = await sent(alice.client, channel, 'Root');
      const reply = await sent(bob.client, channel, 'Reply', { rootId: root.id });
      assertError(await send(alice.client, channel, 'Reply to reply', { rootId: reply.id }), 400, 'invalid_root');
      assert.equal((await alice.client.get(`/api/v1/posts/${root.id}/thread`)).body.posts.length, 2);
    });

    test('a reply to a post of another channel, or to no post, is refused with invalid_root', async () => {
      const channel = await freshChannel();
      const elsewhere = await freshChannel();
      const root = await sent(alice.client, elsewhere, 'Root elsewhere');
      assertError(await send(alice.client, channel, 'Wrong channel', { rootId: root.id }), 400, 'invalid_root');
      assertError(await send(alice.client, channel, 'No root', { rootId: uuidv7() }), 400, 'invalid_root');
    });
  });

  describe('editing and deleting', () => {
    test('the author edits a post, and the edit shows with its time', async () => {
      const channel = await freshChannel();
      const post = await sent(alice.client, channel, 'Wind NE 15');
      const edited = await alice.client.patch(`/api/v1/posts/${post.id}`, { message: 'Wind NE 20' });
      assert.equal(edited.status, 200);
      assert.equal(edited.body.post.message, 'Wind NE 20');
      assert.ok(edited.body.post.editedAt >= post.createdAt);
      assert.equal(edited.body.post.createdAt, post.createdAt);
      assert.equal((await history(bob.client, channel))[0].message, 'Wind NE 20');
    });

    test('nobody else edits a post, not even an admin', async () => {
      const channel = await freshChannel();
      const post = await sent(alice.client, channel, 'Original');
      assertError(await bob.client.patch(`/api/v1/posts/${post.id}`, { message: 'Changed by bob' }), 403, 'not_post_author');
      assertError(await world.admin.patch(`/api/v1/posts/${post.id}`, { message: 'Changed by admin' }), 403, 'not_post_author');
      assert.equal((await alice.client.get(`/api/v1/posts/${post.id}`)).body.post.message, 'Original');
    });

    test('an edit too long is refused with post_too_long', async () => {
      const channel = await freshChannel();
      const post = await sent(alice.client, channel, 'short');
      assertError(await alice.client.patch(`/api/v1/posts/${post.id}`, { message: 'y'.repeat(16_384) }), 400, 'post_too_long');
    });

    test('the author deletes a post, leaving a tombstone with no text', async () => {
      const channel = await freshChannel();
      const before = await sent(alice.client, channel, 'before');
      const doomed = await sent(alice.client, channel, 'Secret coordinates');
      const deleted = await alice.client.delete(`/api/v1/posts/${doomed.id}`);
      assert.equal(deleted.status, 204);
      const posts = await history(bob.client, channel);
      assert.deepEqual(
        posts.map((post) => post.id),
        [before.id, doomed.id],
      );
      const tombstone = posts[1];
      assert.equal(tombstone.deleted, true);
      assert.equal(tombstone.message, '');
      assert.equal(tombstone.userId, alice.id);
      assert.ok(!JSON.stringify(posts).includes('Secret coordinates'));
      assertError(await bob.client.get(`/api/v1/posts/${doomed.id}`), 404, 'post_not_found');
      assertError(await alice.client.patch(`/api/v1/posts/${doomed.id}`, { message: 'revive' }), 404, 'post_not_found');
    });

    test("an admin deletes someone else's post; another member cannot", async () => {
      const channel = await freshChannel();
      const post = await sent(alice.client, channel, 'Off-topic rant');
      assertError(await bob.client.delete(`/api/v1/posts/${post.id}`), 403, 'not_post_author');
      assert.equal((await alice.client.get(`/api/v1/posts/${post.id}`)).body.post.message, 'Off-topic rant');
      assert.equal((await world.admin.delete(`/api/v1/posts/${post.id}`)).status, 204);
      const [tombstone] = await history(alice.client, channel);
      assert.equal(tombstone.deleted, true);
      assert.equal(tombstone.message, '');
    });

    test('deleting a post twice is harmless', async () => {
      const channel = await freshChannel();
      const post = await sent(alice.client, channel, 'gone');
      assert.equal((await alice.client.delete(`/api/v1/posts/${post.id}`)).status, 204);
      assert.equal((await alice.client.delete(`/api/v1/posts/${post.id}`)).status, 204);
      assert.equal((await history(alice.client, channel)).length, 1);
    });
  });

  describe('reactions and pins', () => {
    test('reactions appear with the people who made them, and go away when removed', async () => {
      const channel = await freshChannel();
      const post = await sent(alice.client, channel, 'Dolphins off the bow!');
      const first = await alice.client.put(`/api/v1/posts/${post.id}/reactions/dolphin`);
      assert.equal(first.status, 200);
      assert.deepEqual(first.body.post.reactions, [{ emoji: 'dolphin', userIds: [alice.id] }]);
      await bob.client.put(`/api/v1/posts/${post.id}/reactions/dolphin`);
      await bob.client.put(`/api/v1/posts/${post.id}/reactions/+1`);
      const both = (await alice.client.get(`/api/v1/posts/${post.id}`)).body.post.reactions;
      assert.deepEqual(both, [
        { emoji: 'dolphin', userIds: [alice.id, bob.id] },
        { emoji: '+1', userIds: [bob.id] },
      ]);
      const removed = await alice.client.delete(`/api/v1/posts/${post.id}/reactions/dolphin`);
      assert.equal(removed.status, 200);
      assert.deepEqual(removed.body.post.reactions, [
        { emoji: 'dolphin', userIds: [bob.id] },
        { emoji: '+1', userIds: [bob.id] },
      ]);
      const [inHistory] = await history(bob.client, channel);
      assert.deepEqual(inHistory.reactions, removed.body.post.reactions);
    });

    test('reacting twice with the same emoji counts once', async () => {
      const channel = await freshChannel();
      const post = await sent(alice.client, channel, 'Nice');
      await bob.client.put(`/api/v1/posts/${post.id}/reactions/sailboat`);
      const again = await bob.client.put(`/api/v1/posts/${post.id}/reactions/sailboat`);
      assert.deepEqual(again.body.post.reactions, [{ emoji: 'sailboat', userIds: [bob.id] }]);
    });

    test('an emoji name that is not a short name is refused with invalid_emoji', async () => {
      const channel = await freshChannel();
      const post = await sent(alice.client, channel, 'React to me');
      assertError(await bob.client.put(`/api/v1/posts/${post.id}/reactions/NOT%20AN%20EMOJI`), 400, 'invalid_emoji');
      assert.deepEqual((await alice.client.get(`/api/v1/posts/${post.id}`)).body.post.reactions, []);
    });

    test('a pinned post shows as pinned and in the channel pins until unpinned', async () => {
      const channel = await freshChannel();
      await sent(alice.client, channel, 'chatter');
      const rules = await sent(alice.client, channel, 'Quiet hours 22:00 to 07:00');
      const pinned = await bob.client.put(`/api/v1/posts/${rules.id}/pin`);
      assert.equal(pinned.status, 200);
      assert.equal(pinned.body.post.pinned, true);
      const pins = await alice.client.get(`/api/v1/channels/${channel}/pins`);
      assert.equal(pins.status, 200);
      assert.deepEqual(
        pins.body.posts.map((post: any) => [post.id, post.pinned]),
        [[rules.id, true]],
      );
      const unpinned = await alice.client.delete(`/api/v1/posts/${rules.id}/pin`);
      assert.equal(unpinned.status, 200);
      assert.equal(unpinned.body.post.pinned, false);
      assert.deepEqual((await alice.client.get(`/api/v1/channels/${channel}/pins`)).body.posts, []);
    });

    test('a deleted post leaves the pins', async () => {
      const channel = await freshChannel();
      const post = await sent(alice.client, channel, 'temporary notice');
      await alice.client.put(`/api/v1/posts/${post.id}/pin`);
      await alice.client.delete(`/api/v1/posts/${post.id}`);
      assert.deepEqual((await bob.client.get(`/api/v1/channels/${channel}/pins`)).body.posts, []);
    });

    test('a non-member cannot react to or pin posts of a public channel', async () => {
      const made = await alice.client.post('/api/v1/channels', {
        teamId: world.team.id,
        type: 'public',
        name: `lonely-${++counter}`,
        displayName: 'Lonely',
      });
      const post = await sent(alice.client, made.body.channel.id, 'anyone?');
      assertError(await bob.client.put(`/api/v1/posts/${post.id}/reactions/wave`), 403, 'not_channel_member');
      assertError(await bob.client.put(`/api/v1/posts/${post.id}/pin`), 403, 'not_channel_member');
    });
  });

  describe('history', () => {
    const TOTAL = 120;
    let channel: string;
    let sentIds: string[];

    before(async () => {
      channel = await freshChannel();
      sentIds = [];
      for (let index = 0; index < TOTAL; index++) {
        const client = index % 3 === 0 ? bob.client : alice.client;
        sentIds.push((await sent(client, channel, `message ${String(index).padStart(3, '0')}`)).id);
      }
    });

    test('with no cursor, the newest page comes oldest first and says more lie before', async () => {
      const page = await bob.client.get(`/api/v1/channels/${channel}/posts?limit=25`);
      assert.equal(page.status, 200);
      assert.equal(page.body.hasMore, true);
      assert.deepEqual(
        page.body.posts.map((post: any) => post.id),
        sentIds.slice(TOTAL - 25),
      );
    });

    test('walking back with before gives every post once, in order, with no gaps', async () => {
      const seen: string[] = [];
      let page = (await bob.client.get(`/api/v1/channels/${channel}/posts?limit=25`)).body;
      const hasMores: boolean[] = [page.hasMore];
      seen.unshift(...page.posts.map((post: any) => post.id));
      while (page.hasMore) {
        const oldest = page.posts[0].id;
        const answer = await bob.client.get(`/api/v1/channels/${channel}/posts?limit=25&before=${oldest}`);
        assert.equal(answer.status, 200);
        page = answer.body;
        const pageIds = page.posts.map((post: any) => post.id);
        // Oldest first within the page.
        const times = page.posts.map((post: any) => post.createdAt);
        assert.deepEqual(
          times,
          [...times].sort((a: number, b: number) => a - b),
        );
        seen.unshift(...pageIds);
        hasMores.push(page.hasMore);
        assert.ok(hasMores.length <= 10, 'the walk does not end');
      }
      assert.deepEqual(seen, sentIds);
      assert.equal(new Set(seen).size, TOTAL);
      // 120 posts in pages of 25: 25, 25, 25, 25, 20.
      assert.deepEqual(hasMores, [true, true, true, true, false]);
    });

    test('walking forward with after gives every later post once, in order', async () => {
      const seen: string[] = [sentIds[0]!];
      let cursor = sentIds[0]!;
      let pages = 0;
      for (;;) {
        const answer = await alice.client.get(`/api/v1/channels/${channel}/posts?limit=30&after=${cursor}`);
        assert.equal(answer.status, 200);
        const ids = answer.body.posts.map((post: any) => post.id);
        seen.push(...ids);
        pages++;
        if (!answer.body.hasMore) break;
        cursor = ids[ids.length - 1];
        assert.ok(pages < 10, 'the walk does not end');
      }
      assert.deepEqual(seen, sentIds);
      // 119 posts after the first, in pages of 30: 30, 30, 30, 29.
      assert.equal(pages, 4);
    });

    test('a page that ends exactly at the oldest post says nothing more lies before', async () => {
      const answer = await bob.client.get(`/api/v1/channels/${channel}/posts?limit=20&before=${sentIds[20]}`);
      assert.deepEqual(
        answer.body.posts.map((post: any) => post.id),
        sentIds.slice(0, 20),
      );
      assert.equal(answer.body.hasMore, false);
      const last = await bob.client.get(`/api/v1/channels/${channel}/posts?limit=20&after=${sentIds[TOTAL - 21]}`);
      assert.deepEqual(
        last.body.posts.map((post: any) => post.id),
        sentIds.slice(TOTAL - 20),
      );
      assert.equal(last.body.hasMore, false);
    });

    test('a cursor from another channel, or both cursors at once, is refused', async () => {
      const other = await freshChannel();
      const stranger = await sent(alice.client, other, 'elsewhere');
      assertError(await bob.client.get(`/api/v1/channels/${channel}/posts?before=${stranger.id}`), 404, 'post_not_found');
      assertError(
        await bob.client.get(`/api/v1/channels/${channel}/posts?before=${sentIds[50]}&after=${sentIds[10]}`),
        400,
        'invalid_query',
      );
      assertError(await bob.client.get(`/api/v1/channels/${channel}/posts?limit=201`), 400, 'invalid_query');
    });
  });

  describe('unread and mention counts', () => {
    test("others' posts count as unread; one's own do not", async () => {
      const channel = await freshChannel();
      await sent(alice.client, channel, 'one');
      await sent(alice.client, channel, 'two');
      await sent(bob.client, channel, 'my own');
      const row = await sidebarRow(bob.client, channel);
      assert.equal(row.unread, 2);
      assert.equal(row.mentions, 0);
      assert.equal((await sidebarRow(alice.client, channel)).unread, 1);
    });

    test('@username and @channel count as mentions', async () => {
      const channel = await freshChannel();
      await sent(alice.client, channel, 'hey @bob, the dinghy is yours');
      await sent(alice.client, channel, '@channel dinner at 19:00');
      await sent(alice.client, channel, 'plain chatter');
      await sent(alice.client, channel, 'not you, @bobby');
      const row = await sidebarRow(bob.client, channel);
      assert.equal(row.unread, 4);
      assert.equal(row.mentions, 2);
    });

    test('marking a channel read resets its unread and mention counts, and later posts count again', async () => {
      const channel = await freshChannel();
      await sent(alice.client, channel, '@bob are you there?');
      await sent(alice.client, channel, 'hello?');
      assert.deepEqual(await sidebarRow(bob.client, channel).then(({ unread, mentions }) => ({ unread, mentions })), {
        unread: 2,
        mentions: 1,
      });
      const read = await bob.client.post(`/api/v1/channels/${channel}/read`);
      assert.equal(read.status, 204);
      assert.deepEqual(await sidebarRow(bob.client, channel).then(({ unread, mentions }) => ({ unread, mentions })), {
        unread: 0,
        mentions: 0,
      });
      await sent(alice.client, channel, '@bob now?');
      assert.deepEqual(await sidebarRow(bob.client, channel).then(({ unread, mentions }) => ({ unread, mentions })), {
        unread: 1,
        mentions: 1,
      });
    });

    test('marking read with nothing new since the last mark writes no read mark (it would travel to every box for nothing)', async () => {
      const channel = await freshChannel();
      const markedAt = async () => ((await sidebarRow(bob.client, channel)) as unknown as { lastViewedAt: number }).lastViewedAt;
      const pause = () => new Promise((resolve) => setTimeout(resolve, 5));
      await sent(alice.client, channel, 'tide turns at noon');
      await pause();
      assert.equal((await bob.client.post(`/api/v1/channels/${channel}/read`)).status, 204);
      const first = await markedAt();
      await pause();
      assert.equal((await bob.client.post(`/api/v1/channels/${channel}/read`)).status, 204);
      await sent(bob.client, channel, 'my own post is not unread to me');
      await pause();
      assert.equal((await bob.client.post(`/api/v1/channels/${channel}/read`)).status, 204);
      assert.equal(await markedAt(), first);
      await sent(alice.client, channel, 'and now something new');
      await pause();
      await bob.client.post(`/api/v1/channels/${channel}/read`);
      assert.ok((await markedAt()) > first);
    });

    test('a deleted post no longer counts as unread or as a mention', async () => {
      const channel = await freshChannel();
      const post = await sent(alice.client, channel, '@bob oops, wrong channel');
      await alice.client.delete(`/api/v1/posts/${post.id}`);
      const row = await sidebarRow(bob.client, channel);
      assert.equal(row.unread, 0);
      assert.equal(row.mentions, 0);
    });

    test('in a direct conversation every unread post counts as a mention', async () => {
      const direct = (await alice.client.post('/api/v1/channels/direct', { userId: bob.id })).body.channel.id;
      await bob.client.post(`/api/v1/channels/${direct}/read`);
      await sent(alice.client, direct, 'are you coming ashore?');
      await sent(alice.client, direct, 'the water taxi leaves at 6');
      await sent(alice.client, direct, 'let me know');
      const row = await sidebarRow(bob.client, direct);
      assert.equal(row.unread, 3);
      assert.equal(row.mentions, 3);
      assert.equal((await sidebarRow(alice.client, direct)).unread, 0);
      await bob.client.post(`/api/v1/channels/${direct}/read`);
      const after = await sidebarRow(bob.client, direct);
      assert.equal(after.unread, 0);
      assert.equal(after.mentions, 0);
    });

    test('only a member marks a channel read', async () => {
      const made = await alice.client.post('/api/v1/channels', {
        teamId: world.team.id,
        type: 'public',
        name: `unjoined-${++counter}`,
        displayName: 'Unjoined',
      });
      assertError(await bob.client.post(`/api/v1/channels/${made.body.channel.id}/read`), 403, 'not_channel_member');
    });
  });
});
