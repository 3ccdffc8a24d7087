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
 * unread there. The mark is a last-writer-wins register per (channel, user), so marks made on
 * two boxes settle on the later one, in any order, and one that arrives before its membership
 * waits on the member's row (store/membership.ts).
 *
 * Because every mark travels to every box, marks must stay a small fraction of the log: one is
 * skipped when it would not move anything (no post by someone else came after the current
 * mark, so nothing unread would change), and the web app sends one when the reader leaves the
 * channel or the window, not one per burst of posts read (web/src/state/channels.ts).
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
    sql(db, 'UPDATE channel_members SET last_viewed_hlc = ?, viewed_ver = ? WHERE channel_id = ? AND user_id = ? AND viewed_ver < ?').run(
      upTo,
      version,
      op.entity,
      op.author,
      version,
    );
  },
  audience: (_db, op) => (op.author ? [topic.user(op.author)] : []),
});
