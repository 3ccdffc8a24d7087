import { Type } from '@sinclair/typebox';
import { defineOp, opVersion, topic } from '../op.js';
import { forbidden } from '../errors.js';
import { isChannelMember, readableChannel, requireActor } from '../permissions.js';
import { sql } from '../../store/database.js';
import { ensureChannelMemberRow } from '../../store/membership.js';

export const NotifyLevel = Type.Union([Type.Literal('default'), Type.Literal('all'), Type.Literal('mentions'), Type.Literal('none')]);

/**
 * A member's notification level for one channel (`default` follows the client's setting) and
 * whether it is muted. Replicated, so the member's phone and laptop agree; only the member
 * sets it.
 */
export default defineOp({
  type: 'channel.notify-set',
  body: Type.Object({ level: NotifyLevel, muted: Type.Boolean() }, { additionalProperties: false }),
  authorize({ db, actor, entity }) {
    const user = requireActor(actor);
    readableChannel(db, user, entity);
    if (!isChannelMember(db, entity, user.id)) throw forbidden('not_channel_member', 'Join the channel first.');
  },
  unchanged({ db, actor, entity, body }) {
    const member = sql<[string, string], { notify_level: string; muted: number }>(
      db,
      'SELECT notify_level, muted FROM channel_members WHERE channel_id = ? AND user_id = ?',
    ).get(entity, actor!.id);
    return member?.notify_level === body.level && (member.muted === 1) === body.muted;
  },
  apply(db, op) {
    const version = opVersion(op);
    if (!op.author) return;
    ensureChannelMemberRow(db, op.entity, op.author);
    sql(
      db,
      'UPDATE channel_members SET notify_level = ?, muted = ?, notify_ver = ? WHERE channel_id = ? AND user_id = ? AND notify_ver < ?',
    ).run(op.body.level, op.body.muted ? 1 : 0, version, op.entity, op.author, version);
  },
  audience: (_db, op) => (op.author ? [topic.user(op.author)] : []),
});
