import { Type } from '@sinclair/typebox';
import { defineOp, opVersion, topic } from '../op.js';
import { forbidden } from '../errors.js';
import { isChannelMember, readableChannel, requireActor } from '../permissions.js';
import { sql } from '../../store/database.js';
import { ensureChannelMemberRow } from '../../store/membership.js';

/**
 * Mark read: the member has seen everything in the channel up to `upTo` (an HLC no later than
 * the op's own; the op's time when absent).
 *
 * Read marks replicate, between a person's devices and between boxes: a crew member reads on
 * the boat's box and later ashore on the club's, and should not find the same hundred posts
 * unread there. The mark is a register per (channel, user) where the furthest position wins
 * (ties by version), so marks made on two boxes settle on the later position, in any order,
 * and never move back; one that arrives before its membership waits on the member's row
 * (store/membership.ts).
 *
 * Because every mark travels to every box, marks must stay a small fraction of the log. The
 * reader's position of the moment is local to their box (core/read-marks.ts): the mark route
 * moves it at once, and only a position that has stayed put for read_mark_settle_ms (five
 * minutes), or is still pending when the server stops, becomes this op, carrying the position
 * as `upTo` rather than the later time it is written at. So a reader writes about one op per
 * reading session, however often they leave the channel. An op is also skipped when it would
 * not move anything (no post by someone else between the current mark and `upTo`), and the
 * web app marks when the reader leaves the channel or the window (web/src/state/channels.ts).
 */
export default defineOp({
  type: 'channel.viewed',
  body: Type.Object({ upTo: Type.Optional(Type.String({ pattern: '^[0-9a-f]{16}$' })) }, { additionalProperties: false }),
  authorize({ db, actor, entity }) {
    const user = requireActor(actor);
    readableChannel(db, user, entity);
    if (!isChannelMember(db, entity, user.id)) throw forbidden('not_channel_member', 'Only members keep a read position.');
  },
  // Nothing unread would change: no post by someone else came after the current mark.
  unchanged({ db, actor, entity, body }) {
    const user = requireActor(actor);
    const mark = sql<[string, string], { last_viewed_hlc: string }>(
      db,
      'SELECT last_viewed_hlc FROM channel_members WHERE channel_id = ? AND user_id = ?',
    ).get(entity, user.id)!.last_viewed_hlc;
    // The unread count's own condition (store/read/channels.ts myChannels), on its covering index.
    const unseen = sql(
      db,
      `SELECT 1 FROM posts WHERE channel_id = @entity AND created_hlc > @mark AND (@upTo IS NULL OR created_hlc <= @upTo)
         AND deleted = 0 AND user_id != @me LIMIT 1`,
    ).get({ entity, mark, upTo: body.upTo ?? null, me: user.id });
    return !unseen;
  },
  apply(db, op) {
    const version = opVersion(op);
    if (!op.author) return;
    const upTo = op.body.upTo !== undefined && op.body.upTo < op.hlc ? op.body.upTo : op.hlc;
    ensureChannelMemberRow(db, op.entity, op.author);
    // The furthest position wins (ties by version), so marks settle alike in any order and never move back.
    sql(
      db,
      `UPDATE channel_members SET last_viewed_hlc = @upTo, viewed_ver = @version
       WHERE channel_id = @channel AND user_id = @user AND (last_viewed_hlc, viewed_ver) < (@upTo, @version)`,
    ).run({ upTo, version, channel: op.entity, user: op.author });
  },
  audience: (_db, op) => (op.author ? [topic.user(op.author)] : []),
});
