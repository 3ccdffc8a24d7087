/** Posts that mention a user, in the channels the user is in now, newest first. */
import { sql, type Db } from '../database.js';
import type { UserRow } from './users.js';
import { getPosts } from './posts.js';

// Sorts after every hex timestamp: the cursor of the first page.
const AFTER_ALL = 'g';

export function recentMentions(db: Db, user: UserRow, before: string | undefined, limit: number) {
  const anchor = before ? sql<[string], { created_hlc: string }>(db, 'SELECT created_hlc FROM posts WHERE id = ?').get(before) : undefined;
  if (before && !anchor) return undefined;
  const rows = sql<[{ me: string; username: string; hlc: string; id: string; limit: number }], { id: string }>(
    db,
    `SELECT DISTINCT p.id, p.created_hlc FROM post_mentions pm
     JOIN posts p ON p.id = pm.post_id
     JOIN channel_members m ON m.channel_id = pm.channel_id AND m.user_id = @me AND m.active = 1
     WHERE pm.name IN (@username, 'channel', 'all', 'here') AND p.user_id != @me AND p.deleted = 0
       AND (p.created_hlc, p.id) < (@hlc, @id)
     ORDER BY p.created_hlc DESC, p.id DESC LIMIT @limit`,
  ).all({ me: user.id, username: user.username, hlc: anchor?.created_hlc ?? AFTER_ALL, id: before ?? '', limit: limit + 1 });
  return {
    posts: getPosts(
      db,
      rows.slice(0, limit).map((row) => row.id),
    ),
    hasMore: rows.length > limit,
  };
}
