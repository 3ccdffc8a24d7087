import { Type } from '@sinclair/typebox';
import { defineOp, opVersion } from '../op.js';
import { requireWritingMember } from '../permissions.js';
import { findPost, postChannelTopic, readablePost } from '../posts.js';
import { sql } from '../../store/database.js';
import { park } from '../../store/parked-ops.js';

/**
 * Pinning or unpinning a post in its channel, by any member: last writer wins per post. A pin
 * names its post's channel, so one that arrives before its post waits for it (store/parked-ops.ts).
 */
export default defineOp({
  type: 'pin.set',
  body: Type.Object({ pinned: Type.Boolean() }, { additionalProperties: false }),
  authorize({ db, actor, entity }) {
    const { channel, user } = readablePost(db, actor, entity);
    requireWritingMember(db, user, channel);
  },
  unchanged({ db, entity, body }) {
    const pin = sql<[string], { pinned: number }>(db, 'SELECT pinned FROM pins WHERE post_id = ?').get(entity);
    return (pin?.pinned === 1) === body.pinned;
  },
  apply(db, op) {
    const version = opVersion(op);
    if (!findPost(db, op.entity)) return park(db, op);
    sql(
      db,
      `INSERT INTO pins (post_id, channel_id, pinned, by_user, ver)
       SELECT id, channel_id, ?, ?, ? FROM posts WHERE id = ?
       ON CONFLICT (post_id) DO UPDATE SET pinned = excluded.pinned, by_user = excluded.by_user, ver = excluded.ver WHERE excluded.ver > pins.ver`,
    ).run(op.body.pinned ? 1 : 0, op.author, version, op.entity);
  },
  audience: (db, op) => postChannelTopic(db, op.entity),
});
