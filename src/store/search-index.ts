/**
 * The full-text index (FTS5) of a post's text and its files' names, kept in step by the post
 * op kinds' apply, so it is part of the fold and `rebuild` recomputes it.
 *
 * Each post's index row has a rowid made from its id: posts carry UUIDv7 ids, whose first 48
 * bits are the creation time in milliseconds, followed by 12 random bits. So rowid order is
 * time order, and search can take the newest matches of a common word without ranking all of
 * them (FTS5 walks rowids in order and stops early). Two posts whose ids share the same
 * millisecond and random bits take the next free rowid; the probe is short and, replayed in
 * the same order, lands the same way. Ids that are not UUIDv7 still index, in no useful order.
 */
import type { PostRow } from '../core/posts.js';
import { sql, type Db } from './database.js';

// Room after each id's own slot for the rare collisions.
const SLOTS = 4n;

function baseRowid(postId: string): bigint {
  const hex = postId.replace(/-/g, '');
  const millis = BigInt(`0x${hex.slice(0, 12)}`);
  const random = BigInt(`0x${hex.slice(13, 16)}`);
  return ((millis << 12n) | random) * SLOTS;
}

// How far past its own slot a post's row may have been pushed by others of the same slot.
const WINDOW = SLOTS * 1024n;

/** The post's index row, if it has one: somewhere in the window after its own slot. */
const currentRow = (db: Db, postId: string, base: bigint): bigint | undefined =>
  sql<[bigint, bigint, string], bigint>(db, 'SELECT rowid FROM posts_fts WHERE rowid >= ? AND rowid < ? AND post_id = ?')
    .safeIntegers(true)
    .pluck()
    .get(base, base + WINDOW, postId);

/**
 * The first rowid from `base` that no row holds. Posts written in the same millisecond share
 * their slot (UUIDv7 keeps its 12 random bits within a millisecond), so a busy millisecond's
 * rows form one run from its slot: counting them in SQLite finds the end of the run without
 * bringing each row into JavaScript (that cost grew with the run, and made a bulk write or a
 * catch-up quadratic in the posts per millisecond). Only a run with holes is walked.
 */
function firstFreeRow(db: Db, base: bigint): bigint {
  const { count, top } = sql<[bigint, bigint], { count: bigint; top: bigint | null }>(
    db,
    'SELECT count(*) AS count, max(rowid) AS top FROM posts_fts WHERE rowid >= ? AND rowid < ?',
  )
    .safeIntegers(true)
    .get(base, base + WINDOW)!;
  if (top === null) return base;
  if (top - base + 1n === count) return top + 1n;
  let rowid = base;
  for (const taken of sql<[bigint, bigint], bigint>(db, 'SELECT rowid FROM posts_fts WHERE rowid >= ? AND rowid < ? ORDER BY rowid')
    .safeIntegers(true)
    .pluck()
    .iterate(base, base + WINDOW)) {
    if (taken !== rowid) break;
    rowid++;
  }
  return rowid;
}

/** The columns of a post row the index holds. */
export type IndexedPost = Pick<PostRow, 'id' | 'channel_id' | 'user_id' | 'created_hlc' | 'message' | 'deleted'>;

/**
 * Puts the post's index row in step with the post as given (the row just written, so it is
 * not read again); a deleted post, or `undefined` for one that is gone, keeps none.
 */
export function indexPost(db: Db, postId: string, post: IndexedPost | undefined): void {
  const base = baseRowid(postId);
  const current = currentRow(db, postId, base);
  if (current !== undefined) sql(db, 'DELETE FROM posts_fts WHERE rowid = ?').run(current);
  if (!post || post.deleted === 1) return;
  const fileNames = sql<[string], { name: string }>(db, 'SELECT name FROM post_files WHERE post_id = ? ORDER BY position')
    .all(postId)
    .map((file) => file.name)
    .join(' ');
  // Looked for after the old row is gone: the slot it freed counts as free.
  const rowid = firstFreeRow(db, base);
  sql(db, 'INSERT INTO posts_fts (rowid, post_id, channel_id, user_id, created_hlc, message, file_names) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    rowid,
    postId,
    post.channel_id,
    post.user_id,
    post.created_hlc,
    post.message,
    fileNames,
  );
}
