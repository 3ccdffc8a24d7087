import { Type } from '@sinclair/typebox';
import { defineOp, opVersion } from '../op.js';
import { ChannelName, DisplayName, Header, Purpose } from '../fields.js';
import { badRequest, conflict } from '../errors.js';
import { findChannel, requireChannelManager, requireWritable } from '../permissions.js';
import { sql } from '../../store/database.js';
import { settleChannelName } from '../../store/names.js';
import { channelAudience, channelNameTaken } from './channel-created.js';
import { park } from '../../store/parked-ops.js';

/**
 * A channel's name, display name, header and purpose, as one last-writer-wins register: the
 * request handler fills in the fields it does not change from the current state. Any update beats
 * the create's values; one that arrives before its channel waits for it (store/parked-ops.ts).
 */
export default defineOp({
  type: 'channel.updated',
  body: Type.Object({ name: ChannelName, displayName: DisplayName, header: Header, purpose: Purpose }, { additionalProperties: false }),
  authorize({ db, actor, entity, body }) {
    const channel = requireChannelManager(db, actor, entity);
    requireWritable(channel);
    if (channel.team_id === null) throw badRequest('conversation_not_editable', 'Direct and group conversations have no settings.');
    if (body.name !== channel.requested_name && channelNameTaken(db, channel.team_id, body.name, channel.id)) {
      throw conflict('channel_name_taken', `The team already has a channel named ${body.name}.`);
    }
  },
  unchanged({ db, entity, body }) {
    const channel = findChannel(db, entity)!;
    const { name, displayName, header, purpose } = body;
    return (
      name === channel.requested_name && displayName === channel.display_name && header === channel.header && purpose === channel.purpose
    );
  },
  apply(db, op) {
    const version = opVersion(op);
    const before = findChannel(db, op.entity);
    if (!before) return park(db, op);
    if (before.team_id === null) return;
    const { name, displayName, header, purpose } = op.body;
    const changed = sql(
      db,
      `UPDATE channels SET requested_name = ?, display_name = ?, header = ?, purpose = ?, profile_ver = ?
       WHERE id = ? AND (profile_ver = created_ver OR profile_ver < ?)`,
    ).run(name, displayName, header, purpose, version, op.entity, version).changes;
    if (changed > 0 && before.requested_name !== name) {
      settleChannelName(db, before.team_id, before.requested_name);
      settleChannelName(db, before.team_id, name);
    }
  },
  audience: (db, op) => channelAudience(db, op.entity),
});
