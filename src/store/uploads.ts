/**
 * Which blobs this box holds and who uploaded them: local state, not replicated. An upload
 * row lets its uploader attach the bytes to a post (post-created checks it) and read them
 * before any post refers to them.
 */
import { sql, type Db } from './database.js';

/** Records that `userId` uploaded these bytes; false when they had already. */
export const recordUpload = (db: Db, hash: string, userId: string, size: number, now: number): boolean =>
  sql(db, 'INSERT OR IGNORE INTO uploads (hash, user_id, size, created_at) VALUES (?, ?, ?, ?)').run(hash, userId, size, now).changes > 0;

/** What people call the file with these bytes: a name a post gives it, or what it is when no post does. */
export function fileNameOf(db: Db, hash: string): string {
  const named = sql<[string], { name: string }>(db, 'SELECT name FROM post_files WHERE hash = ? LIMIT 1').get(hash);
  if (named) return named.name;
  const thumbnailOf = sql<[string], { name: string }>(db, 'SELECT name FROM post_files WHERE thumbnail_hash = ? LIMIT 1').get(hash);
  return thumbnailOf ? `the thumbnail of ${thumbnailOf.name}` : 'an upload no post carries';
}

/** Every blob the posts refer to (their files and thumbnails), by hash. */
export const referencedBlobs = (db: Db): string[] =>
  sql<[], { hash: string }>(db, 'SELECT hash FROM post_files UNION SELECT thumbnail_hash FROM post_files WHERE thumbnail_hash IS NOT NULL')
    .all()
    .map((row) => row.hash);
