import { Type } from '@sinclair/typebox';
import { defineOp, type OpName } from '../op.js';
import { forbidden } from '../errors.js';
import { isAdmin, requireWritable } from '../permissions.js';
import { findPost, postChannelTopic, readablePost } from '../posts.js';
import { sql, type Db } from '../../store/database.js';
import { opsAbout } from '../../store/op-log.js';
import { indexPost } from '../../store/search-index.js';
import { park } from '../../store/parked-ops.js';

/** What is left of a deleted post: its row, without text, mentions, files or search entry. */
export function tombstonePost(db: Db, postId: string): void {
  // Resetting the edit register makes the tombstone the same whether an edit was applied before it or not.
  sql(db, "UPDATE posts SET deleted = 1, message = '', edited_hlc = NULL, edit_ver = created_ver WHERE id = ?").run(postId);
  sql(db, 'DELETE FROM post_mentions WHERE post_id = ?').run(postId);
  // The bytes of its files stay readable only through other posts that share them.
  sql(db, 'DELETE FROM post_files WHERE post_id = ?').run(postId);
  indexPost(db, postId, undefined);
}

/** The ops held that carry a post's text: its create (or creates, for a retried send) and its edits. */
export const opsWithTextOf = (db: Db, postId: string): OpName[] => opsAbout(db, postId, ['post.created', 'post.edited']);

/**
 * Deleting a post leaves a tombstone: the row stays (threads and order hold), the text and
 * mentions are purged, and the tombstone beats any concurrent edit. By its author, or an admin.
 * A delete that arrives before its post waits for it (store/parked-ops.ts), so the post is created deleted.
 * The text and files' metadata of its create and edits are purged from the op log too.
 */
export default defineOp({
  type: 'post.deleted',
  body: Type.Object({}, { additionalProperties: false }),
  authorize({ db, actor, entity }) {
    const existing = findPost(db, entity);
    // A tombstone has nothing left to guard: deleting it again is answered as done.
    if (existing?.deleted === 1) return;
    // Moderation: an admin deletes any post, even in a conversation it cannot read.
    if (isAdmin(actor) && existing) return;
    const { post, channel, user } = readablePost(db, actor, entity);
    if (post.user_id !== user.id) throw forbidden('not_post_author', 'Only the author or an administrator can delete a post.');
    requireWritable(channel);
  },
  unchanged: ({ db, entity }) => findPost(db, entity)?.deleted === 1,
  apply(db, op) {
    if (!findPost(db, op.entity)) return park(db, op);
    tombstonePost(db, op.entity);
  },
  obsoletes: (db, op) => opsWithTextOf(db, op.entity),
  audience: (db, op) => postChannelTopic(db, op.entity),
});
