import { Type } from '@sinclair/typebox';
import { defineOp, opVersion, topic } from '../op.js';
import { Id } from '../fields.js';
import { badRequest, forbidden, notFound } from '../errors.js';
import { findTeam, findUser, isTeamMember, requireActor } from '../permissions.js';
import { setTeamMember } from '../../store/membership.js';

/** Adding someone to a team (an admin) or leaving it (anyone, or an admin removing someone). */
export default defineOp({
  type: 'team.member-set',
  body: Type.Object({ userId: Id, member: Type.Boolean() }, { additionalProperties: false }),
  authorize({ db, actor, entity, body }) {
    const user = requireActor(actor);
    if (!findTeam(db, entity)) throw notFound('team_not_found', 'No such team.');
    const target = findUser(db, body.userId);
    if (!target) throw notFound('user_not_found', 'No such user.');
    const leaving = !body.member && target.id === user.id;
    if (user.role !== 'admin' && !leaving) throw forbidden('admin_only', 'Only an administrator can change team members.');
    if (body.member && target.active !== 1) throw badRequest('user_inactive', 'That account is deactivated.');
  },
  unchanged: ({ db, entity, body }) => isTeamMember(db, entity, body.userId) === body.member,
  apply(db, op) {
    setTeamMember(db, op.entity, op.body.userId, op.body.member, opVersion(op));
  },
  audience: (_db, op) => [topic.team(op.entity), topic.admins, topic.user(op.body.userId)],
});
