/**
 * Runs a parsed search over the channels the user can read now (core/permissions.ts rules in
 * SQL form: active memberships, plus the public channels of the user's teams unless a guest),
 * so leaving a private channel removes its posts from the user's results at once. Text queries
 * go through the FTS5 index, the newest RANKED_WINDOW matches ranked by bm25, with a snippet whose matches are given as
 * character ranges (the client highlights them without parsing markup); filter-only queries
 * list the newest posts.
 */
import { sql, type Db } from '../store/database.js';
import { encodeHlc } from '../core/hlc.js';
import type { UserRow } from '../store/read/users.js';
import { getPosts } from '../store/read/posts.js';
import { matchExpression, type SearchQuery } from './query.js';

/**
 * Text queries rank the newest matches this many deep. Index rowids follow post time
 * (store/search-index.ts), so FTS5 stops after this many instead of scoring every post that
 * holds a common word: at a million messages a word in a fifth of them would otherwise cost
 * hundreds of milliseconds. Chat searches want recent answers; older ones are reached with
 * before:/on: or more words.
 */
const RANKED_WINDOW = 1000;

// Control characters cannot occur in a stored post's snippet, so they mark matches unambiguously.
const OPEN = '\u0002';
const CLOSE = '\u0003';

const READABLE_CHANNELS = `
  SELECT c.id FROM channels c WHERE c.id IN (SELECT channel_id FROM channel_members WHERE user_id = @me AND active = 1)
  OR (c.type = 'public' AND @role != 'guest' AND c.team_id IN (SELECT team_id FROM team_members WHERE user_id = @me AND active = 1))`;

export interface Snippet {
  readonly text: string;
  readonly marks: [number, number][];
}

function snippet(marked: string): Snippet {
  const marks: [number, number][] = [];
  let text = '';
  let start = -1;
  for (const char of marked) {
    if (char === OPEN) start = text.length;
    else if (char === CLOSE && start >= 0) {
      marks.push([start, text.length]);
      start = -1;
    } else text += char;
  }
  return { text, marks };
}

export function runSearch(db: Db, user: UserRow, query: SearchQuery, limit: number, offset: number) {
  const match = matchExpression(query);
  const conditions = [`p.channel_id IN (${READABLE_CHANNELS})`, 'p.deleted = 0'];
  const params: Record<string, unknown> = { me: user.id, role: user.role, limit: limit + 1, offset };
  if (query.channels.length > 0) {
    conditions.push(
      `p.channel_id IN (SELECT id FROM channels WHERE name IN (SELECT value FROM json_each(@channels)) OR id IN (SELECT value FROM json_each(@channels)))`,
    );
    params.channels = JSON.stringify(query.channels);
  }
  if (query.users.length > 0) {
    conditions.push('p.user_id IN (SELECT id FROM users WHERE username IN (SELECT value FROM json_each(@users)))');
    params.users = JSON.stringify(query.users);
  }
  if (query.from !== undefined) {
    conditions.push('p.created_hlc >= @from');
    params.from = encodeHlc({ ms: query.from, counter: 0 });
  }
  if (query.until !== undefined && Number.isFinite(query.until)) {
    conditions.push('p.created_hlc < @until');
    params.until = encodeHlc({ ms: query.until, counter: 0 });
  }
  if (query.hasFile) conditions.push('EXISTS (SELECT 1 FROM post_files pf WHERE pf.post_id = p.id)');
  const rows = match
    ? sql<[Record<string, unknown>], { id: string; marked: string }>(
        db,
        `SELECT id, marked FROM (
           SELECT p.id, f.rank AS score, f.rowid AS rowid, snippet(posts_fts, 4, '${OPEN}', '${CLOSE}', '…', 16) AS marked FROM posts_fts f
           JOIN posts p ON p.id = f.post_id
           WHERE posts_fts MATCH @match AND ${conditions.join(' AND ')}
           ORDER BY f.rowid DESC LIMIT @window)
         ORDER BY score, rowid DESC LIMIT @limit OFFSET @offset`,
      ).all({ ...params, match, window: RANKED_WINDOW })
    : sql<[Record<string, unknown>], { id: string; marked: string }>(
        db,
        `SELECT p.id, substr(p.message, 1, 200) AS marked FROM posts p WHERE ${conditions.join(' AND ')}
         ORDER BY p.created_hlc DESC, p.id DESC LIMIT @limit OFFSET @offset`,
      ).all(params);
  const page = rows.slice(0, limit);
  const posts = new Map(
    getPosts(
      db,
      page.map((row) => row.id),
    ).map((post) => [post.id, post]),
  );
  return {
    results: page.map((row) => ({ post: posts.get(row.id)!, snippet: snippet(row.marked) })),
    hasMore: rows.length > limit,
  };
}
