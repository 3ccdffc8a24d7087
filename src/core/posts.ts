/** Looking up a post for an op on it: it must exist and its channel be readable by the actor. */
import { sql, type Db } from '../store/database.js';
import { notFound } from './errors.js';
import { readableChannel, requireActor } from './permissions.js';
import type { ChannelRow } from '../store/read/channels.js';
import type { UserRow } from '../store/read/users.js';

export interface PostRow {
  id: string;
  channel_id: string;
  user_id: string;
  root_id: string | null;
  message: string;
  created_hlc: string;
  edited_hlc: string | null;
  deleted: number;
}

export const findPost = (db: Db, id: string): PostRow | undefined => sql<[string], PostRow>(db, 'SELECT * FROM posts WHERE id = ?').get(id);

/**
 * The post, live or a tombstone, and its channel, or 404 when missing or unreadable: what its
 * channel's readers see in the history, where a deleted post stays as a tombstone.
 */
export function visiblePost(db: Db, actor: UserRow | undefined, postId: string): { post: PostRow; channel: ChannelRow; user: UserRow } {
  const user = requireActor(actor);
  const post = findPost(db, postId);
  if (!post) throw notFound('post_not_found', 'No such post.');
  const channel = readableChannel(db, user, post.channel_id);
  return { post, channel, user };
}

/** The live (not deleted) post and its channel, or 404 when missing, deleted or unreadable. */
export function readablePost(db: Db, actor: UserRow | undefined, postId: string): { post: PostRow; channel: ChannelRow; user: UserRow } {
  const found = visiblePost(db, actor, postId);
  if (found.post.deleted === 1) throw notFound('post_not_found', 'No such post.');
  return found;
}

export function postChannelTopic(db: Db, postId: string): string[] {
  const post = findPost(db, postId);
  return post ? [`channel:${post.channel_id}`] : [];
}
