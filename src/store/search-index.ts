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

/** The post's index row, if it has one, and the rowids around it that other posts hold. */
function slots(db: Db, postId: string, base: bigint): { current: bigint | undefined; taken: Set<bigint> } {
  // One range read serves both: the row to replace is among the rowids near the post's own slot.
  const rows = sql<[bigint, bigint], { rowid: bigint; post_id: string }>(db, 'SELECT rowid, post_id FROM posts_fts WHERE rowid >= ? AND rowid < ?')
    .safeIntegers(true)
    .all(base, base + SLOTS * 1024n);
  let current: bigint | undefined;
  const taken = new Set<bigint>();
  for (const row of rows) {
    if (row.post_id === postId) current = row.rowid;
    else taken.add(row.rowid);
  }
  return { current, taken };
}

/** The columns of a post row the index holds. */
export type IndexedPost = Pick<PostRow, 'id' | 'channel_id' | 'user_id' | 'created_hlc' | 'message' | 'deleted'>;

/**
 * Puts the post's index row in step with the post as given (the row just written, so it is
 * not read again); a deleted post, or `undefined` for one that is gone, keeps none.
 */
export function indexPost(db: Db, postId: string, post: IndexedPost | undefined): void {
  const base = baseRowid(postId);
  const { current, taken } = slots(db, postId, base);
  if (current !== undefined) sql(db, 'DELETE FROM posts_fts WHERE rowid = ?').run(current);
  if (!post || post.deleted === 1) return;
  const fileNames = sql<[string], { name: string }>(db, 'SELECT name FROM post_files WHERE post_id = ? ORDER BY position').all(postId).map((file) => file.name).join(' ');
  // The slot just freed counts as free, as it did when the old row was deleted before looking.
  let rowid = base;
  while (taken.has(rowid)) rowid++;
  sql(db, 'INSERT INTO posts_fts (rowid, post_id, channel_id, user_id, created_hlc, message, file_names) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    rowid, postId, post.channel_id, post.user_id, post.created_hlc, post.message, fileNames,
  );
}
