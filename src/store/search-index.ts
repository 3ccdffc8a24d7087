/**
 * The full-text index (FTS5) of a post's text and its files' names, kept in step by the post
 * op kinds' apply, so it is part of the fold and `rebuild` recomputes it. FTS5 deletes are
 * cheap only by rowid, and posts have text ids, so each post's index row has a rowid derived
 * from its id: 63 bits of SHA-256 (a collision among a billion posts has odds near 1e-2;
 * among a million, 5e-8).
 */
import { createHash } from 'node:crypto';
import { sql, type Db } from './database.js';

export const searchRowid = (postId: string): bigint => BigInt(`0x${createHash('sha256').update(postId).digest('hex').slice(0, 16)}`) & 0x7fffffffffffffffn;

export function indexPost(db: Db, postId: string): void {
  const rowid = searchRowid(postId);
  sql(db, 'DELETE FROM posts_fts WHERE rowid = ?').run(rowid);
  const post = sql<[string], { channel_id: string; user_id: string; created_hlc: string; message: string; deleted: number }>(
    db,
    'SELECT channel_id, user_id, created_hlc, message, deleted FROM posts WHERE id = ?',
  ).get(postId);
  if (!post || post.deleted === 1) return;
  const fileNames = sql<[string], { name: string }>(db, 'SELECT name FROM post_files WHERE post_id = ? ORDER BY position').all(postId).map((file) => file.name).join(' ');
  sql(db, 'INSERT INTO posts_fts (rowid, post_id, channel_id, user_id, created_hlc, message, file_names) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    rowid, postId, post.channel_id, post.user_id, post.created_hlc, post.message, fileNames,
  );
}
