/**
 * "Acknowledged means durable" (docs/DESIGN.md principle 2): the power goes out on the boat while
 * the crew is chatting. Every post the server answered must be there after the restart, and
 * the phones' outboxes, resending everything they were unsure of with the same ids, must not
 * create a single duplicate.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { v7 as uuidv7 } from 'uuid';
import { startWorld } from './helpers/world.js';
import { Client, removeDataDir, startHail, type HailProcess } from './helpers/server.js';
import { mapConcurrently } from './helpers/concurrency.js';

interface Attempt {
  readonly id: string;
  readonly poster: number;
  readonly message: string;
  acknowledged: boolean;
}

const POSTERS = 4;
const IN_FLIGHT_PER_POSTER = 4;
const TRAFFIC_MS = 1000;
const MAX_TRAFFIC_MS = 15000;
const MIN_ACKNOWLEDGED = 200;

/** Every post of a channel, paging back from the newest. */
async function history(client: Client, channelId: string): Promise<any[]> {
  const posts: any[] = [];
  let before: string | undefined;
  for (let page = 0; page < 1000; page++) {
    const response = await client.get(`/api/v1/channels/${channelId}/posts?limit=200${before ? `&before=${before}` : ''}`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    posts.unshift(...response.body.posts);
    if (!response.body.hasMore) return posts;
    before = response.body.posts[0].id;
  }
  throw new Error('history did not end after 1000 pages');
}

test('a crash mid-stream loses no acknowledged post, and resending everything creates no duplicate', { timeout: 120000 }, async () => {
  const world = await startWorld({ env: { HAIL_POSTS_PER_SECOND: '100000', HAIL_POST_BURST: '100000' } });
  const dataDir = world.hail.dataDir;
  let restarted: HailProcess | undefined;
  try {
    const channelId = world.team.defaultChannelId;
    // Bots with bearer tokens: the tokens live in the database too, so they work after the restart.
    const tokens: string[] = [];
    for (let poster = 0; poster < POSTERS; poster++) {
      const member = await world.join(`deckhand${poster}`);
      const created = await member.client.post('/api/v1/me/tokens', { name: 'outbox' });
      assert.equal(created.status, 201);
      tokens.push(created.body.token);
    }
    const clientFor = (url: string, poster: number) => Object.assign(new Client(url), { bearer: tokens[poster]! });

    const attempts: Attempt[] = [];
    let crashed = false;
    let cutOff = 0;
    const outbox = async (poster: number, lane: number) => {
      const client = clientFor(world.hail.url, poster);
      // Each outbox keeps sending until the server is gone: the crash lands in the middle of the stream.
      for (let index = 0; index < 100000; index++) {
        const attempt: Attempt = { id: uuidv7(), poster, message: `deckhand ${poster} lane ${lane} message ${index}`, acknowledged: false };
        attempts.push(attempt);
        try {
          const response = await client.post(`/api/v1/channels/${channelId}/posts`, { id: attempt.id, message: attempt.message });
          if (response.status >= 200 && response.status < 300) attempt.acknowledged = true;
          else if (response.status !== 429) throw new Error(`unexpected ${response.status}: ${JSON.stringify(response.body)}`);
        } catch (error) {
          if (!crashed) throw error;
          // The server died under this request, or before it: its fate is unknown, which is what the retry below is for.
          cutOff++;
          return;
        }
      }
      throw new Error('the outbox never saw the crash');
    };
    const traffic = Promise.all(
      Array.from({ length: POSTERS * IN_FLIGHT_PER_POSTER }, (_, index) => outbox(index % POSTERS, Math.floor(index / POSTERS))),
    );
    traffic.catch(() => {}); // awaited after the crash; an early failure must not count as unhandled meanwhile
    // About a second of traffic, and enough acknowledged posts to matter even on a busy machine.
    const started = Date.now();
    while (
      Date.now() - started < MAX_TRAFFIC_MS &&
      (Date.now() - started < TRAFFIC_MS || attempts.filter((attempt) => attempt.acknowledged).length < MIN_ACKNOWLEDGED)
    ) {
      await new Promise((done) => setTimeout(done, 50));
    }
    crashed = true;
    await world.hail.kill();
    await traffic;

    const acknowledged = attempts.filter((attempt) => attempt.acknowledged);
    console.log(
      `durability: ${attempts.length} posts attempted, ${acknowledged.length} acknowledged before SIGKILL, ${cutOff} requests without an answer`,
    );
    assert.ok(acknowledged.length >= MIN_ACKNOWLEDGED, `traffic was flowing before the crash (${acknowledged.length} acknowledged)`);
    assert.equal(cutOff, POSTERS * IN_FLIGHT_PER_POSTER, 'every outbox was still sending when the server died');

    restarted = await startHail({ dataDir, env: { HAIL_POSTS_PER_SECOND: '100000', HAIL_POST_BURST: '100000' } });
    const reader = clientFor(restarted.url, 0);
    const survived = new Map((await history(reader, channelId)).map((post) => [post.id, post]));
    const lost = acknowledged.filter((attempt) => survived.get(attempt.id)?.message !== attempt.message);
    assert.deepEqual(
      lost.map((attempt) => attempt.id),
      [],
      'every acknowledged post is in the history after the crash',
    );
    const unacknowledgedSurvivors = attempts.filter((attempt) => !attempt.acknowledged && survived.has(attempt.id)).length;
    console.log(`durability: ${unacknowledgedSurvivors} unacknowledged posts were committed anyway (their answers were lost)`);

    // Every outbox resends everything it ever tried, with the same ids.
    const retried = await mapConcurrently(attempts, 32, async (attempt) => {
      const response = await clientFor(restarted!.url, attempt.poster).post(`/api/v1/channels/${channelId}/posts`, {
        id: attempt.id,
        message: attempt.message,
      });
      return { attempt, status: response.status, post: response.body?.post };
    });
    for (const { attempt, status, post } of retried) {
      if (attempt.acknowledged || survived.has(attempt.id))
        assert.equal(status, 200, `resending ${attempt.id}, which is already stored, answers 200`);
      else assert.equal(status, 201, `resending ${attempt.id}, which was lost before commit, creates it`);
      assert.equal(post.id, attempt.id);
      assert.equal(post.message, attempt.message);
    }

    const final = await history(reader, channelId);
    const times = new Map<string, number>();
    for (const post of final) times.set(post.id, (times.get(post.id) ?? 0) + 1);
    assert.deepEqual(
      [...times].filter(([, seen]) => seen > 1),
      [],
      'no post appears twice',
    );
    for (const attempt of attempts) assert.equal(times.get(attempt.id), 1, `post ${attempt.id} is in the history exactly once`);
    assert.equal(final.length, attempts.length, 'the history holds exactly the posts that were sent');

    assert.equal(await restarted.stop(), 0);
    const db = new Database(join(dataDir, 'hail.db'), { readonly: true });
    try {
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
      const doubled = db.prepare("SELECT entity, count(*) AS n FROM ops WHERE type = 'post.created' GROUP BY entity HAVING n > 1").all();
      assert.deepEqual(doubled, [], 'the op log holds one post.created per post');
      const feedGaps = db
        .prepare('SELECT count(*) AS n FROM ops o WHERE NOT EXISTS (SELECT 1 FROM feed f WHERE f.origin = o.origin AND f.seq = o.seq)')
        .get() as { n: number };
      assert.equal(feedGaps.n, 0, 'every op reached the local feed');
    } finally {
      db.close();
    }
  } finally {
    await world.hail.kill();
    await restarted?.kill();
    removeDataDir(dataDir);
  }
});
