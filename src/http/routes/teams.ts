/** Teams: several per server, each with a default channel its members join. */
import { Type } from '@sinclair/typebox';
import { Reply } from '../answers.js';
import { defineRoute } from '../route.js';
import { DisplayName, Id, TeamName } from '../../core/fields.js';
import { notFound } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { findTeam, isTeamMember } from '../../core/permissions.js';
import type { TeamRow } from '../../store/read/teams.js';
import type { UserRow } from '../../store/read/users.js';
import { sql, type Db } from '../../store/database.js';
import { canSeeUser, presentUser } from '../../store/read/users.js';
import { teamChannels } from '../../store/read/channels.js';

const presentTeam = (team: TeamRow) => ({
  id: team.id,
  name: team.name,
  displayName: team.display_name,
  defaultChannelId: team.default_channel_id,
});

/** The team, if the user is in it (admins see every team); 404 otherwise. */
function visibleTeam(db: Db, user: UserRow, teamId: string): TeamRow {
  const team = findTeam(db, teamId);
  if (!team || (user.role !== 'admin' && !isTeamMember(db, team.id, user.id)))
    throw notFound('team_not_found', 'No such team, or you are not in it.');
  return team;
}

export default [
  defineRoute({
    method: 'get',
    path: '/api/v1/teams',
    summary: 'Your teams (admins: every team, with `member` telling which they are in).',
    access: 'user',
    handle({ services, user }) {
      const rows = sql<[{ me: string; role: string }], TeamRow & { member: number }>(
        services.db,
        `SELECT t.*, coalesce(m.active, 0) AS member FROM teams t LEFT JOIN team_members m ON m.team_id = t.id AND m.user_id = @me
         WHERE coalesce(m.active, 0) = 1 OR @role = 'admin' ORDER BY t.display_name`,
      ).all({ me: user.id, role: user.role });
      return { teams: rows.map((row) => ({ ...presentTeam(row), member: row.member === 1 })) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/teams',
    summary:
      'Create a team and its default channel `general` (admin); the creator joins both. A retry with the same `id` answers 200 with the team and creates nothing.',
    access: 'admin',
    body: Type.Object({ id: Type.Optional(Id), name: TeamName, displayName: DisplayName }, { additionalProperties: false }),
    async handle({ services, user, body }) {
      const id = body.id ?? newId();
      const entries = await services.committer.commit({
        author: user.id,
        ops: [{ type: 'team.created', entity: id, body: { name: body.name, displayName: body.displayName, defaultChannelId: newId() } }],
      });
      return new Reply(entries.length > 0 ? 201 : 200, { team: presentTeam(findTeam(services.db, id)!) });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/teams/:id',
    summary: 'One team.',
    access: 'user',
    handle: ({ services, user, params }) => ({ team: presentTeam(visibleTeam(services.db, user, params.id!)) }),
  }),
  defineRoute({
    method: 'patch',
    path: '/api/v1/teams/:id',
    summary: 'Rename a team (admin).',
    access: 'admin',
    body: Type.Object({ displayName: DisplayName }, { additionalProperties: false }),
    async handle({ services, user, params, body }) {
      await services.committer.commit({ author: user.id, ops: [{ type: 'team.updated', entity: params.id!, body }] });
      return { team: presentTeam(findTeam(services.db, params.id!)!) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/teams/:id/members',
    summary: 'The members of a team you are in (a guest: only those it shares a channel with, as everywhere).',
    access: 'user',
    handle({ services, user, params }) {
      const team = visibleTeam(services.db, user, params.id!);
      const rows = sql<[string], UserRow>(
        services.db,
        'SELECT u.* FROM team_members m JOIN users u ON u.id = m.user_id WHERE m.team_id = ? AND m.active = 1 ORDER BY u.username',
      ).all(team.id);
      return { members: rows.filter((row) => canSeeUser(services.db, user, row.id)).map(presentUser) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/teams/:id/members',
    summary: 'Add a user to a team (admin); they join its default channel, unless a guest (a guest sees only the channels it is added to).',
    access: 'admin',
    body: Type.Object({ userId: Id }, { additionalProperties: false }),
    async handle({ services, user, params, body }) {
      await services.committer.commit({
        author: user.id,
        ops: [{ type: 'team.member-set', entity: params.id!, body: { userId: body.userId, member: true } }],
      });
    },
  }),
  defineRoute({
    method: 'del',
    path: '/api/v1/teams/:id/members/:userId',
    summary: 'Remove a user from a team (admin), or leave it yourself; this also leaves all its channels.',
    access: 'user',
    async handle({ services, user, params }) {
      await services.committer.commit({
        author: user.id,
        ops: [{ type: 'team.member-set', entity: params.id!, body: { userId: params.userId!, member: false } }],
      });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/teams/:id/channels',
    summary:
      "A team's channels you can see: public ones to browse and join (not for guests), and private ones you are in, each with `member`.",
    access: 'user',
    handle({ services, user, params }) {
      const team = visibleTeam(services.db, user, params.id!);
      return { channels: teamChannels(services.db, user, team.id) };
    },
  }),
];
