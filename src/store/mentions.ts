/**
 * Mentions are a function of a post's text alone (`@alice`, `@channel`, `@all`, `@here`), so
 * the fold stays deterministic whatever users exist when the op is applied; unread mention
 * counts join them with usernames at read time.
 */
import { sql, type Db } from './database.js';

// A mention ends where a username cannot continue; a trailing dot is punctuation, not part of the name.
const MENTION = /(?:^|[^\w@])@([a-z0-9][a-z0-9._-]*[a-z0-9_-]|[a-z0-9])/gi;

function mentionedNames(message: string): string[] {
  const names = new Set<string>();
  for (const match of message.matchAll(MENTION)) names.add(match[1]!.toLowerCase());
  return [...names];
}

export function setPostMentions(db: Db, postId: string, channelId: string, createdHlc: string, message: string): void {
  sql(db, 'DELETE FROM post_mentions WHERE post_id = ?').run(postId);
  const insert = sql(db, 'INSERT OR IGNORE INTO post_mentions (post_id, name, channel_id, created_hlc) VALUES (?, ?, ?, ?)');
  for (const name of mentionedNames(message)) insert.run(postId, name, channelId, createdHlc);
}
