/** Posts as the API shows them: pages by cursor, threads, with reactions, pins and reply counts. */
import { sql, type Db } from '../database.js';
import { hlcMillis } from '../../core/hlc.js';
import type { PostRow } from '../../core/posts.js';

export interface PostFileRow {
  post_id: string;
  channel_id: string;
  hash: string;
  name: string;
  type: string;
  size: number;
  width: number | null;
  height: number | null;
  thumbnail_hash: string | null;
}

interface PostWithCounts extends PostRow {
  reply_count: number;
  last_reply_hlc: string | null;
  pinned: number | null;
}

const SELECT_POST = `SELECT p.*,
  (SELECT count(*) FROM posts r WHERE r.root_id = p.id AND r.deleted = 0) AS reply_count,
  (SELECT max(r.created_hlc) FROM posts r WHERE r.root_id = p.id AND r.deleted = 0) AS last_reply_hlc,
  (SELECT pinned FROM pins WHERE post_id = p.id) AS pinned
  FROM posts p`;

function present(db: Db, rows: PostWithCounts[]) {
  const reactions = new Map<string, Map<string, string[]>>();
  const files = new Map<string, PostFileRow[]>();
  if (rows.length > 0) {
    // One JSON parameter instead of a list of placeholders keeps each statement prepared once.
    const ids = JSON.stringify(rows.map((row) => row.id));
    const attached = sql<[string], PostFileRow>(
      db,
      'SELECT * FROM post_files WHERE post_id IN (SELECT value FROM json_each(?)) ORDER BY position',
    ).all(ids);
    for (const file of attached) files.set(file.post_id, [...(files.get(file.post_id) ?? []), file]);
    const found = sql<[string], { post_id: string; emoji: string; user_id: string }>(
      db,
      'SELECT post_id, emoji, user_id FROM reactions WHERE active = 1 AND post_id IN (SELECT value FROM json_each(?)) ORDER BY ver',
    ).all(ids);
    for (const { post_id, emoji, user_id } of found) {
      const byEmoji = reactions.get(post_id) ?? new Map<string, string[]>();
      byEmoji.set(emoji, [...(byEmoji.get(emoji) ?? []), user_id]);
      reactions.set(post_id, byEmoji);
    }
  }
  return rows.map((row) => ({
    id: row.id,
    channelId: row.channel_id,
    userId: row.user_id,
    rootId: row.root_id,
    message: row.message,
    createdAt: hlcMillis(row.created_hlc),
    editedAt: row.edited_hlc === null ? null : hlcMillis(row.edited_hlc),
    deleted: row.deleted === 1,
    pinned: row.pinned === 1,
    replyCount: row.reply_count,
    lastReplyAt: row.last_reply_hlc === null ? null : hlcMillis(row.last_reply_hlc),
    reactions: [...(reactions.get(row.id) ?? new Map<string, string[]>())].map(([emoji, userIds]) => ({ emoji, userIds })),
    files: (files.get(row.id) ?? []).map((file) => ({
      hash: file.hash,
      name: file.name,
      type: file.type,
      size: file.size,
      width: file.width,
      height: file.height,
      thumbnailHash: file.thumbnail_hash,
    })),
  }));
}

export type PresentedPost = ReturnType<typeof present>[number];

export function getPost(db: Db, id: string): PresentedPost | undefined {
  const row = sql<[string], PostWithCounts>(db, `${SELECT_POST} WHERE p.id = ?`).get(id);
  return row ? present(db, [row])[0] : undefined;
}

/**
 * One page of a channel, oldest first. With `before` (a post id) the page ends just before
 * that post; with `after` it starts just after; with neither it is the newest page.
 */
export function channelPage(db: Db, channelId: string, cursor: { before?: string; after?: string }, limit: number) {
  const anchorId = cursor.before ?? cursor.after;
  const anchor = anchorId
    ? sql<[string, string], { created_hlc: string }>(db, 'SELECT created_hlc FROM posts WHERE id = ? AND channel_id = ?').get(
        anchorId,
        channelId,
      )
    : undefined;
  if (anchorId && !anchor) return undefined;
  let rows: PostWithCounts[];
  if (cursor.after && anchor) {
    rows = sql<[string, string, string, number], PostWithCounts>(
      db,
      `${SELECT_POST} WHERE p.channel_id = ? AND (p.created_hlc, p.id) > (?, ?) ORDER BY p.created_hlc, p.id LIMIT ?`,
    ).all(channelId, anchor.created_hlc, cursor.after, limit + 1);
  } else {
    rows = anchor
      ? sql<[string, string, string, number], PostWithCounts>(
          db,
          `${SELECT_POST} WHERE p.channel_id = ? AND (p.created_hlc, p.id) < (?, ?) ORDER BY p.created_hlc DESC, p.id DESC LIMIT ?`,
        ).all(channelId, anchor.created_hlc, cursor.before!, limit + 1)
      : sql<[string, number], PostWithCounts>(
          db,
          `${SELECT_POST} WHERE p.channel_id = ? ORDER BY p.created_hlc DESC, p.id DESC LIMIT ?`,
        ).all(channelId, limit + 1);
  }
  const hasMore = rows.length > limit;
  const page = rows.slice(0, limit);
  if (!cursor.after) page.reverse();
  return { posts: present(db, page), hasMore };
}

export function thread(db: Db, rootId: string) {
  const rows = sql<[string, string], PostWithCounts>(db, `${SELECT_POST} WHERE p.id = ? OR p.root_id = ? ORDER BY p.created_hlc, p.id`).all(
    rootId,
    rootId,
  );
  return present(db, rows);
}

export const pinnedPosts = (db: Db, channelId: string) =>
  present(
    db,
    sql<[string], PostWithCounts>(
      db,
      `${SELECT_POST} JOIN pins pn ON pn.post_id = p.id WHERE pn.channel_id = ? AND pn.pinned = 1 AND p.deleted = 0 ORDER BY p.created_hlc`,
    ).all(channelId),
  );

/** Several posts by id, in the order given (missing ones left out). */
export function getPosts(db: Db, ids: readonly string[]): PresentedPost[] {
  if (ids.length === 0) return [];
  const rows = sql<[string], PostWithCounts>(db, `${SELECT_POST} WHERE p.id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(ids));
  const byId = new Map(rows.map((row) => [row.id, row]));
  return present(
    db,
    ids.flatMap((id) => byId.get(id) ?? []),
  );
}
