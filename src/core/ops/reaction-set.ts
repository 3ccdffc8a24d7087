import { Type } from '@sinclair/typebox';
import { defineOp, opVersion } from '../op.js';
import { Emoji } from '../fields.js';
import { requireWritingMember } from '../permissions.js';
import { postChannelTopic, readablePost } from '../posts.js';
import { sql } from '../../store/database.js';

/** Adding or removing one's emoji reaction on a post: last writer wins per (post, user, emoji). */
export default defineOp({
  type: 'reaction.set',
  body: Type.Object({ emoji: Emoji, active: Type.Boolean() }, { additionalProperties: false }),
  authorize({ db, actor, entity }) {
    const { channel, user } = readablePost(db, actor, entity);
    requireWritingMember(db, user, channel);
  },
  unchanged({ db, actor, entity, body }) {
    const current = sql<[string, string, string], { active: number }>(
      db,
      'SELECT active FROM reactions WHERE post_id = ? AND user_id = ? AND emoji = ?',
    ).get(entity, actor!.id, body.emoji);
    return (current?.active === 1) === body.active;
  },
  apply(db, op) {
    const version = opVersion(op);
    sql(
      db,
      `INSERT INTO reactions (post_id, user_id, emoji, active, ver) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (post_id, user_id, emoji) DO UPDATE SET active = excluded.active, ver = excluded.ver WHERE excluded.ver > reactions.ver`,
    ).run(op.entity, op.author, op.body.emoji, op.body.active ? 1 : 0, version);
  },
  audience: (db, op) => postChannelTopic(db, op.entity),
});
