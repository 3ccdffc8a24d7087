/**
 * Fills a Hail database with posts, for the cold-start and history-page benchmarks (docs/DESIGN.md
 * budgets at 1,000,000 messages). Posting a million messages over HTTP would take most of an
 * hour, so this opens the stopped server's database with Hail's own modules and sends every
 * post through the one write path, `Committer.commit`, queueing a few thousand commands per
 * event-loop turn so that each turn is one group commit. Every post is therefore a real op
 * (seq, hlc, hash, feed entry, state rows, mentions) and `hail rebuild --verify` agrees with
 * the result; only HTTP and the rate limit are skipped.
 */
import { join } from 'node:path';
import { Committer } from '../../src/core/commit.js';
import { decodeHlc, HybridClock } from '../../src/core/hlc.js';
import { newId } from '../../src/core/ids.js';
import { loadIdentity } from '../../src/core/node-identity.js';
import { getMeta, openDatabase } from '../../src/store/database.js';

const POSTS_PER_TURN = 5000;
const WORDS = [
  'wind',
  'backing',
  'south-west',
  'reef',
  'anchor',
  'holding',
  'weather',
  'GRIB',
  'tide',
  'swell',
  'marina',
  'fuel',
  'crew',
  'watch',
  'noon',
  '@admin',
];

export interface History {
  /** Post ids spread evenly over the history, for random page cursors. */
  readonly sampleIds: readonly string[];
  readonly seconds: number;
}

/** Appends `count` posts by `authorId` to `channelId` in the (stopped) server's data directory. */
export async function generateHistory(
  dataDir: string,
  authorId: string,
  channelId: string,
  count: number,
  sampleSize = 1000,
): Promise<History> {
  const started = performance.now();
  const db = openDatabase(join(dataDir, 'hail.db'));
  try {
    const identity = loadIdentity(db, dataDir);
    const persisted = getMeta(db, 'hlc');
    const now = () => Date.now();
    const committer = new Committer(
      db,
      identity.origin,
      new HybridClock(now, persisted ? decodeHlc(persisted) : undefined),
      now,
      (error) => {
        throw error;
      },
    );
    const sampleEvery = Math.max(1, Math.floor(count / sampleSize));
    const sampleIds: string[] = [];
    for (let first = 0; first < count; first += POSTS_PER_TURN) {
      const turn: Promise<unknown>[] = [];
      for (let index = first; index < Math.min(count, first + POSTS_PER_TURN); index++) {
        const id = newId();
        if (index % sampleEvery === 0) sampleIds.push(id);
        const message = `Log ${index}: ${WORDS[index % WORDS.length]} ${WORDS[(index * 7) % WORDS.length]} ${WORDS[(index * 13) % WORDS.length]}, ${index % 40} knots`;
        turn.push(
          committer.commit({ author: authorId, ops: [{ type: 'post.created', entity: id, body: { channelId, message, rootId: null } }] }),
        );
      }
      await Promise.all(turn);
    }
    await committer.drain();
    return { sampleIds, seconds: (performance.now() - started) / 1000 };
  } finally {
    db.close();
  }
}
