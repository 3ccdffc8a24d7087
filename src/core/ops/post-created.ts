import { Type } from '@sinclair/typebox';
import { defineOp, opVersion, topic } from '../op.js';
import { Id, Message } from '../fields.js';
import { badRequest, conflict } from '../errors.js';
import { requirePoster } from '../permissions.js';
import { findPost } from '../posts.js';
import { sql } from '../../store/database.js';
import { setPostMentions } from '../../store/mentions.js';

/**
 * A message, or a reply in a thread when `rootId` is set. The id is minted by the client, so a
 * retried send (seconds or days later) finds the post already there and creates nothing.
 */
export default defineOp({
  type: 'post.created',
  body: Type.Object({ channelId: Id, message: Message, rootId: Type.Union([Id, Type.Null()]) }, { additionalProperties: false }),
  authorize({ db, actor, entity, body }) {
    const existing = findPost(db, entity);
    if (existing) {
      if (existing.user_id === actor?.id && existing.channel_id === body.channelId && existing.root_id === body.rootId) return 'skip';
      throw conflict('post_id_taken', 'Another post has that id.');
    }
    requirePoster(db, actor, body.channelId);
    if (body.rootId !== null) {
      const root = findPost(db, body.rootId);
      if (!root || root.channel_id !== body.channelId || root.deleted === 1) throw badRequest('invalid_root', 'The thread to reply to does not exist in this channel.');
      if (root.root_id !== null) throw badRequest('invalid_root', 'Reply to the thread root, not to a reply.');
    }
    return 'apply';
  },
  apply(db, op) {
    const version = opVersion(op);
    const { channelId, message, rootId } = op.body;
    const inserted = sql(
      db,
      `INSERT OR IGNORE INTO posts (id, channel_id, user_id, root_id, message, created_hlc, created_ver, edited_hlc, edit_ver, deleted)
       VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, 0)`,
    ).run(op.entity, channelId, op.author, rootId, message, op.hlc, version, version).changes;
    if (inserted > 0) setPostMentions(db, op.entity, channelId, op.hlc, message);
  },
  audience: (_db, op) => [topic.channel(op.body.channelId)],
});
