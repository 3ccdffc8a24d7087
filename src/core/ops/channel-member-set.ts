import { Type } from '@sinclair/typebox';
import { defineOp, opVersion, topic } from '../op.js';
import { Id } from '../fields.js';
import { badRequest, forbidden, notFound } from '../errors.js';
import { findUser, isChannelMember, isTeamMember, manageableChannel, requireActor, requireWritable } from '../permissions.js';
import { sql } from '../../store/database.js';
import { setChannelMember } from '../../store/membership.js';

/**
 * Joining, leaving, adding to and removing from a team channel. Anyone in the team but guests
 * may join a public channel; members add others; private channels are entered only by being
 * added. Removing someone else takes an admin, the creator, or (private) any member.
 */
export default defineOp({
  type: 'channel.member-set',
  body: Type.Object({ userId: Id, member: Type.Boolean() }, { additionalProperties: false }),
  authorize({ db, actor, entity, body }) {
    const user = requireActor(actor);
    const isAdmin = user.role === 'admin';
    const self = body.userId === user.id;
    const channel = manageableChannel(db, user, entity);
    if (channel.team_id === null) throw badRequest('conversation_members_fixed', 'A conversation keeps the people it was started with.');
    requireWritable(channel);
    const target = findUser(db, body.userId);
    if (!target) throw notFound('user_not_found', 'No such user.');
    // Asking for the membership as it stands takes no right beyond seeing the channel.
    if (isChannelMember(db, channel.id, target.id) === body.member) return;
    const actorIsMember = isChannelMember(db, channel.id, user.id);
    if (body.member) {
      if (target.active !== 1) throw badRequest('user_inactive', 'That account is deactivated.');
      if (!isAdmin && !isTeamMember(db, channel.team_id, target.id))
        throw badRequest('not_team_member', 'That person is not in this team.');
      if (self && !isAdmin && (channel.type !== 'public' || user.role === 'guest'))
        throw forbidden('not_allowed', 'Ask a member of this channel to add you.');
      if (!self && !isAdmin && (!actorIsMember || user.role === 'guest'))
        throw forbidden('not_allowed', 'Only members of this channel can add people.');
      return;
    }
    if (sql(db, 'SELECT 1 FROM teams WHERE default_channel_id = ?').get(channel.id))
      throw badRequest('default_channel', "Nobody leaves a team's default channel; leave the team instead.");
    if (!self && !isAdmin && channel.creator_id !== user.id && !(channel.type === 'private' && actorIsMember && user.role !== 'guest')) {
      throw forbidden('not_allowed', 'You cannot remove people from this channel.');
    }
  },
  unchanged: ({ db, entity, body }) => isChannelMember(db, entity, body.userId) === body.member,
  apply(db, op) {
    setChannelMember(db, op.entity, op.body.userId, op.body.member, opVersion(op));
  },
  audience: (_db, op) => [topic.channel(op.entity), topic.user(op.body.userId)],
});
