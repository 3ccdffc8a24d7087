/**
 * Which blobs this box holds and who uploaded them: local state, not replicated. An upload
 * row lets its uploader attach the bytes to a post (post-created checks it) and read them
 * before any post refers to them.
 */
import { sql, type Db } from './database.js';

/** Records that `userId` uploaded these bytes; false when they had already. */
export const recordUpload = (db: Db, hash: string, userId: string, size: number, now: number): boolean =>
  sql(db, 'INSERT OR IGNORE INTO uploads (hash, user_id, size, created_at) VALUES (?, ?, ?, ?)').run(hash, userId, size, now).changes > 0;
