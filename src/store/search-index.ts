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
import { sql, type Db } from './database.js';

// Room after each id's own slot for the rare collisions.
const SLOTS = 4n;

function baseRowid(postId: string): bigint {
  const hex = postId.replace(/-/g, '');
  const millis = BigInt(`0x${hex.slice(0, 12)}`);
  const random = BigInt(`0x${hex.slice(13, 16)}`);
  return ((millis << 12n) | random) * SLOTS;
}

/** The rowid of the post's index row, or undefined when it has none. */
function currentRowid(db: Db, postId: string): bigint | undefined {
  const base = baseRowid(postId);
  return sql<[bigint, bigint, string], { rowid: bigint }>(db, 'SELECT rowid FROM posts_fts WHERE rowid >= ? AND rowid < ? AND post_id = ?')
    .safeIntegers(true)
    .get(base, base + SLOTS * 1024n, postId)?.rowid;
}

function freeRowid(db: Db, postId: string): bigint {
  const taken = new Set(
    sql<[bigint, bigint], { rowid: bigint }>(db, 'SELECT rowid FROM posts_fts WHERE rowid >= ? AND rowid < ?')
      .safeIntegers(true)
      .all(baseRowid(postId), baseRowid(postId) + SLOTS * 1024n)
      .map((row) => row.rowid),
  );
  let rowid = baseRowid(postId);
  while (taken.has(rowid)) rowid++;
  return rowid;
}

export function indexPost(db: Db, postId: string): void {
  const existing = currentRowid(db, postId);
  if (existing !== undefined) sql(db, 'DELETE FROM posts_fts WHERE rowid = ?').run(existing);
  const post = sql<[string], { channel_id: string; user_id: string; created_hlc: string; message: string; deleted: number }>(
    db,
    'SELECT channel_id, user_id, created_hlc, message, deleted FROM posts WHERE id = ?',
  ).get(postId);
  if (!post || post.deleted === 1) return;
  const fileNames = sql<[string], { name: string }>(db, 'SELECT name FROM post_files WHERE post_id = ? ORDER BY position').all(postId).map((file) => file.name).join(' ');
  sql(db, 'INSERT INTO posts_fts (rowid, post_id, channel_id, user_id, created_hlc, message, file_names) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    freeRowid(db, postId), postId, post.channel_id, post.user_id, post.created_hlc, post.message, fileNames,
  );
}
