import { Type } from '@sinclair/typebox';
import { defineOp, opVersion, topic } from '../op.js';
import { forbidden } from '../errors.js';
import { isChannelMember, readableChannel, requireActor } from '../permissions.js';
import { sql } from '../../store/database.js';

/**
 * Mark read: the member has seen everything in the channel up to this op's time. Replicated,
 * so a phone and a laptop (or two boxes) agree on what is unread.
 */
export default defineOp({
  type: 'channel.viewed',
  body: Type.Object({}, { additionalProperties: false }),
  authorize({ db, actor, entity }) {
    const user = requireActor(actor);
    readableChannel(db, user, entity);
    if (!isChannelMember(db, entity, user.id)) throw forbidden('not_channel_member', 'Only members keep a read position.');
  },
  apply(db, op) {
    const version = opVersion(op);
    sql(db, 'UPDATE channel_members SET last_viewed_hlc = ?, viewed_ver = ? WHERE channel_id = ? AND user_id = ? AND viewed_ver < ?').run(
      op.hlc, version, op.entity, op.author, version,
    );
  },
  audience: (_db, op) => (op.author ? [topic.user(op.author)] : []),
});
