import { Type } from '@sinclair/typebox';
import { defineOp, opVersion, topic, type Op } from '../op.js';
import { ChannelName, DisplayName, Header, Id, Purpose } from '../fields.js';
import { badRequest, conflict, forbidden, notFound } from '../errors.js';
import { findChannel, findUser, isTeamMember, requireActor } from '../permissions.js';
import type { ChannelType } from '../../store/read/channels.js';
import { nameId } from '../ids.js';
import { sql, type Db } from '../../store/database.js';
import { refreshChannelMembers, setChannelMember } from '../../store/membership.js';
import { settleChannelName } from '../../store/names.js';

const MAX_GROUP_MEMBERS = 8;

/**
 * Direct and group conversations are named by their members: two boxes that open a
 * conversation between the same people during a partition make the same channel.
 */
export const conversationId = (type: 'direct' | 'group', memberIds: readonly string[]): string =>
  nameId(`${type}:${[...new Set(memberIds)].sort().join(',')}`);

export interface NewChannel {
  id: string;
  teamId: string | null;
  type: ChannelType;
  name: string;
  displayName: string;
  header: string;
  purpose: string;
  creatorId: string | null;
}

/**
 * Inserts a channel if absent. A conversation opened on two boxes is created twice with the
 * same id: the earliest create wins everywhere, so the row does not depend on arrival order.
 */
export function insertChannel(db: Db, op: Op, channel: NewChannel): void {
  const version = opVersion(op);
  sql(
    db,
    `INSERT INTO channels (id, team_id, type, name, requested_name, display_name, header, purpose, creator_id,
       archived, created_hlc, created_ver, profile_ver, archived_ver)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET created_hlc = excluded.created_hlc, created_ver = excluded.created_ver, creator_id = excluded.creator_id,
       profile_ver = CASE WHEN channels.profile_ver = channels.created_ver THEN excluded.profile_ver ELSE channels.profile_ver END,
       archived_ver = CASE WHEN channels.archived_ver = channels.created_ver THEN excluded.archived_ver ELSE channels.archived_ver END
     WHERE excluded.created_ver < channels.created_ver`,
  ).run(
    channel.id,
    channel.teamId,
    channel.type,
    channel.name,
    channel.name,
    channel.displayName,
    channel.header,
    channel.purpose,
    channel.creatorId,
    op.hlc,
    version,
    version,
    version,
  );
  if (channel.teamId !== null) settleChannelName(db, channel.teamId, channel.name);
  // Memberships that arrived first now know the channel's team (store/membership.ts).
  refreshChannelMembers(db, channel.id);
}

export const channelNameTaken = (db: Db, teamId: string, name: string, exceptId?: string): boolean =>
  sql<[string, string, string, string], { id: string }>(
    db,
    'SELECT id FROM channels WHERE team_id = ? AND (name = ? OR requested_name = ?) AND id != ? LIMIT 1',
  ).get(teamId, name, name, exceptId ?? '') !== undefined;

/**
 * A new channel: public or private in a team (its creator joins it), or a direct or group
 * conversation between the listed members.
 */
export default defineOp({
  type: 'channel.created',
  body: Type.Object(
    {
      type: Type.Union([Type.Literal('public'), Type.Literal('private'), Type.Literal('direct'), Type.Literal('group')]),
      teamId: Type.Union([Id, Type.Null()]),
      name: Type.Union([ChannelName, Type.Literal('')]),
      displayName: Type.Union([DisplayName, Type.Literal('')]),
      header: Header,
      purpose: Purpose,
      memberIds: Type.Array(Id, { maxItems: MAX_GROUP_MEMBERS }),
    },
    { additionalProperties: false },
  ),
  authorize({ db, actor, entity, body }) {
    const user = requireActor(actor);
    const existing = findChannel(db, entity);
    if (body.type === 'direct' || body.type === 'group') {
      const members = [...new Set(body.memberIds)];
      const size = body.type === 'direct' ? members.length === 2 : members.length >= 3 && members.length <= MAX_GROUP_MEMBERS;
      if (!size || !members.includes(user.id) || body.teamId !== null) {
        throw badRequest(
          'invalid_members',
          body.type === 'direct'
            ? 'A direct conversation is between you and one other person.'
            : `A group conversation has 3 to ${MAX_GROUP_MEMBERS} people, you included.`,
        );
      }
      if (entity !== conversationId(body.type, members))
        throw badRequest('invalid_channel_id', 'A conversation id is derived from its members.');
      for (const id of members) {
        if (findUser(db, id)?.active !== 1) throw notFound('user_not_found', 'One of the people is not an active user.');
      }
      return;
    }
    if (existing) {
      // Its creator sending the same create again (a retry) may; anyone else collides.
      if (existing.creator_id === user.id && existing.requested_name === body.name && existing.team_id === body.teamId) return;
      throw conflict('channel_id_taken', 'Another channel has that id.');
    }
    if (body.teamId === null || body.name === '' || body.displayName === '' || body.memberIds.length > 0) {
      throw badRequest('invalid_channel', 'A team channel needs a team, a name and a display name.');
    }
    if (user.role === 'guest') throw forbidden('guest_not_allowed', 'Guests cannot create channels.');
    if (user.role !== 'admin' && !isTeamMember(db, body.teamId, user.id))
      throw notFound('team_not_found', 'No such team, or you are not in it.');
    if (!sql(db, 'SELECT 1 FROM teams WHERE id = ?').get(body.teamId)) throw notFound('team_not_found', 'No such team.');
    if (channelNameTaken(db, body.teamId, body.name))
      throw conflict('channel_name_taken', `The team already has a channel named ${body.name}.`);
  },
  unchanged: ({ db, entity }) => findChannel(db, entity) !== undefined,
  apply(db, op) {
    const { type, teamId, name, displayName, header, purpose, memberIds } = op.body;
    insertChannel(db, op, { id: op.entity, teamId, type, name, displayName, header, purpose, creatorId: op.author });
    const members = type === 'direct' || type === 'group' ? memberIds : op.author ? [op.author] : [];
    for (const userId of members) setChannelMember(db, op.entity, userId, true, opVersion(op));
  },
  creates: (op) => [op.entity],
  audience(_db, op) {
    const { type, teamId, memberIds } = op.body;
    if (type === 'direct' || type === 'group') return memberIds.map(topic.user);
    const creator = op.author ? [topic.user(op.author)] : [];
    return type === 'public' && teamId ? [topic.publicChannels(teamId), ...creator] : creator;
  },
});

/** The topics that hear about a team channel's changes: its members, and the team when public. */
export function channelAudience(db: Db, channelId: string): string[] {
  const channel = findChannel(db, channelId);
  if (!channel) return [];
  return channel.type === 'public' && channel.team_id
    ? [topic.channel(channelId), topic.publicChannels(channel.team_id)]
    : [topic.channel(channelId)];
}
