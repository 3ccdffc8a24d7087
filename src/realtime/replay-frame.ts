/**
 * A replayed event shows a post as it is now, not as its op said when it was written. The op
 * log keeps a post's first text in its `post.created` body (and each edit's in its own) even
 * after the post was deleted or edited; replaying those bodies to a phone that resumes from an
 * old position (or to someone added to a private channel since) would hand back text that was
 * deleted or replaced. So on replay, a create or an edit carries the post's current text, a
 * deleted post's carries none (a tombstone, `deleted: true`, no files), whatever the log holds.
 * Live events need none of this: they leave as their op commits, when the op is what is now.
 */
import type { Op } from '../core/op.js';
import { findPost } from '../core/posts.js';
import type { Db } from '../store/database.js';
import { eventFrame } from './events.js';

const POST_TEXT_OPS = new Set(['post.created', 'post.edited']);

export function replayFrame(db: Db, feedSeq: number, op: Op): string {
  if (!POST_TEXT_OPS.has(op.type)) return eventFrame(feedSeq, op);
  const post = findPost(db, op.entity);
  const deleted = !post || post.deleted === 1;
  const body = { ...(op.body as Record<string, unknown>), message: deleted ? '' : post.message };
  if (deleted) Object.assign(body, { deleted: true }, op.type === 'post.created' ? { files: [] } : {});
  return eventFrame(feedSeq, { ...op, body });
}
