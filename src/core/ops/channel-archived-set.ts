import { Type } from '@sinclair/typebox';
import { defineOp, opVersion } from '../op.js';
import { badRequest, forbidden } from '../errors.js';
import { findChannel, manageableChannel, requireActor } from '../permissions.js';
import { sql } from '../../store/database.js';
import { channelAudience } from './channel-created.js';
import { park } from '../../store/parked-ops.js';

/** Archive (read-only, kept) or unarchive a team channel: by an admin or the channel's creator. */
export default defineOp({
  type: 'channel.archived-set',
  body: Type.Object({ archived: Type.Boolean() }, { additionalProperties: false }),
  authorize({ db, actor, entity }) {
    const user = requireActor(actor);
    const channel = manageableChannel(db, user, entity);
    if (channel.team_id === null) throw badRequest('conversation_not_editable', 'Direct and group conversations cannot be archived.');
    if (user.role !== 'admin' && channel.creator_id !== user.id)
      throw forbidden('not_channel_manager', 'Only an administrator or the channel creator can archive it.');
    if (sql(db, 'SELECT 1 FROM teams WHERE default_channel_id = ?').get(entity))
      throw badRequest('default_channel', "A team's default channel cannot be archived.");
  },
  unchanged: ({ db, entity, body }) => (findChannel(db, entity)?.archived === 1) === body.archived,
  apply(db, op) {
    const version = opVersion(op);
    if (!findChannel(db, op.entity)) return park(db, op);
    // Any archiving beats the create's "not archived": a conversation created on two boxes keeps
    // the earliest create's version, which may be newer than an archiving applied before it.
    sql(db, 'UPDATE channels SET archived = ?, archived_ver = ? WHERE id = ? AND (archived_ver = created_ver OR archived_ver < ?)').run(
      op.body.archived ? 1 : 0,
      version,
      op.entity,
      version,
    );
  },
  audience: (db, op) => channelAudience(db, op.entity),
});
