/**
 * Scenario 7 (Hail only): read marks as a share of the op log. A read mark is an op that travels
 * to every box of the fleet (core/ops/channel-viewed.ts), so it must stay a small part of what
 * travels. Readers watch one busy channel, where five of them post in bursts; each reader marks
 * the channel read through the real REST route, as a client policy says:
 *
 * - `per burst`: a second after each burst, as the web app did before (one mark per reader per burst);
 * - `on leaving`: when the reader leaves the channel or the window, as the web app does now; here
 *   at random moments, on average once a minute per reader (exponential gaps, seeded, the same
 *   in every run). The server skips a mark when nothing new came since the last one.
 *
 * Counted from the op log once the run is over: posts, read marks and all ops written during it.
 * A read position reaches the log once it has stayed put for read_mark_settle_ms, or when the
 * server stops (core/read-marks.ts): `readMarks` counts those written during the run,
 * `readMarksAtStop` those still settling then, written by the stop.
 */
import { databaseFile, openDatabase } from '../../src/store/database.js';
import { removeDataDir } from '../../test/helpers/server.js';
import { newId } from '../../src/core/ids.js';
import { mapConcurrently } from '../../test/helpers/concurrency.js';
import { prng } from '../../test/helpers/prng.js';
import type { Client } from '../../test/helpers/server.js';
import { startWorld } from '../../test/helpers/world.js';
import { BENCH_ENV } from './hail-driver.js';
import { track } from './processes.js';

export type ReadMarkPolicy = 'per burst' | 'on leaving';

export interface ReadMarkResult {
  readonly policy: ReadMarkPolicy;
  readonly readers: number;
  readonly seconds: number;
  readonly posts: number;
  readonly readMarks: number;
  readonly readMarksAtStop: number;
  readonly ops: number;
}

const BURST_POSTS = 5;
const BURST_EVERY_MS = 5000;
const WRITERS = 5;
const MEAN_LEAVE_MS = 60_000;
const MARK_AFTER_BURST_MS = 1000;

const sleep = (ms: number) => new Promise((wake) => setTimeout(wake, ms));

interface Due {
  readonly at: number;
  readonly run: () => Promise<unknown>;
}

function schedule(policy: ReadMarkPolicy, readers: readonly Client[], channelId: string, durationMs: number): Due[] {
  const random = prng(7);
  const due: Due[] = [];
  const markRead = (reader: Client) => () => reader.post(`/api/v1/channels/${channelId}/read`);
  for (let at = 0; at < durationMs; at += BURST_EVERY_MS) {
    for (let n = 0; n < BURST_POSTS; n++) {
      const writer = readers[n % Math.min(WRITERS, readers.length)]!;
      const post = { id: newId(), message: `burst at ${at} ms, post ${n}` };
      due.push({ at: at + n * 50, run: () => writer.post(`/api/v1/channels/${channelId}/posts`, post) });
    }
    if (policy === 'per burst') for (const reader of readers) due.push({ at: at + MARK_AFTER_BURST_MS, run: markRead(reader) });
  }
  if (policy === 'on leaving') {
    for (const reader of readers) {
      const gap = () => -Math.log(1 - random()) * MEAN_LEAVE_MS;
      for (let at = gap(); at < durationMs; at += gap()) due.push({ at, run: markRead(reader) });
    }
  }
  return due.sort((a, b) => a.at - b.at);
}

export async function readMarks(policy: ReadMarkPolicy, readerCount: number, durationMs: number): Promise<ReadMarkResult> {
  const world = await startWorld({ env: BENCH_ENV });
  track(world.hail.child);
  try {
    const channelId = world.team.defaultChannelId;
    // Registering runs scrypt, about 50 ms each: a few at a time.
    const joined = await mapConcurrently(
      Array.from({ length: readerCount }, (_, n) => n),
      4,
      (n) => world.join(`reader${n + 1}`),
    );
    const readers = joined.map((reader) => reader.client);
    const counts = () => {
      const db = openDatabase(databaseFile(world.hail.dataDir), { readonly: true });
      try {
        const count = `SELECT count(*) AS ops, count(*) FILTER (WHERE type = 'channel.viewed') AS marks,
          count(*) FILTER (WHERE type = 'post.created') AS posts FROM ops`;
        return db.prepare(count).get() as { ops: number; marks: number; posts: number };
      } finally {
        db.close();
      }
    };
    const before = counts();
    const started = performance.now();
    const running: Promise<unknown>[] = [];
    for (const { at, run } of schedule(policy, readers, channelId, durationMs)) {
      const wait = at - (performance.now() - started);
      if (wait > 0) await sleep(wait);
      running.push(run());
    }
    await Promise.all(running);
    const after = counts();
    await world.stop();
    const stopped = counts();
    return {
      policy,
      readers: readerCount,
      seconds: durationMs / 1000,
      posts: after.posts - before.posts,
      readMarks: after.marks - before.marks,
      readMarksAtStop: stopped.marks - after.marks,
      ops: after.ops - before.ops,
    };
  } finally {
    await world.stop();
    removeDataDir(world.hail.dataDir);
  }
}
