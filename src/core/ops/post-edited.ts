import { Type } from '@sinclair/typebox';
import { defineOp, opVersion, Purgeable } from '../op.js';
import { Message } from '../fields.js';
import { badRequest, forbidden } from '../errors.js';
import { requireWritable } from '../permissions.js';
import { findPost, postChannelTopic, readablePost } from '../posts.js';
import { sql } from '../../store/database.js';
import { setPostMentions } from '../../store/mentions.js';
import { isPurged } from '../../store/op-chain.js';
import { indexPost } from '../../store/search-index.js';
import { park } from '../../store/parked-ops.js';
import { tombstonePost } from './post-deleted.js';

/**
 * An edit by the post's author. Last writer wins; an edit never revives a deleted post. One that
 * arrives before its post waits for it (store/parked-ops.ts).
 */
export default defineOp({
  type: 'post.edited',
  body: Type.Object({ message: Purgeable(Message) }, { additionalProperties: false }),
  authorize({ db, actor, entity, body }) {
    const { post, channel, user } = readablePost(db, actor, entity);
    if (post.user_id !== user.id) throw forbidden('not_post_author', 'Only the author can edit a post.');
    requireWritable(channel);
    if (body.message.trim() === '' && !sql(db, 'SELECT 1 FROM post_files WHERE post_id = ?').get(post.id))
      throw badRequest('empty_post', 'A post needs text or a file.');
  },
  unchanged: ({ db, entity, body }) => findPost(db, entity)?.message === body.message,
  apply(db, op) {
    const version = opVersion(op);
    // Purged only once its post is deleted, wherever that happened (as for post.created).
    if (isPurged(op.body.message)) return findPost(db, op.entity) ? tombstonePost(db, op.entity) : park(db, op);
    // Any edit beats the create's text (edited_hlc IS NULL): a post created twice (a retried
    // send) keeps the earliest create's version, which may be newer than an edit applied before it.
    const changed = sql(
      db,
      'UPDATE posts SET message = ?, edited_hlc = ?, edit_ver = ? WHERE id = ? AND deleted = 0 AND (edited_hlc IS NULL OR edit_ver < ?)',
    ).run(op.body.message, op.hlc, version, op.entity, version).changes;
    const post = findPost(db, op.entity);
    if (!post) return park(db, op);
    if (changed === 0) return;
    setPostMentions(db, post.id, post.channel_id, post.created_hlc, op.body.message);
    indexPost(db, post.id, post);
  },
  obsoletes: (db, op) => (findPost(db, op.entity)?.deleted === 1 ? [op] : []),
  audience: (db, op) => postChannelTopic(db, op.entity),
});
