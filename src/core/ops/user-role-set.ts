import { Type } from '@sinclair/typebox';
import { defineOp } from '../op.js';
import { setUserRegister } from '../user-registers.js';
import { Role } from '../fields.js';
import { conflict, notFound } from '../errors.js';
import { accountAudience, findUser, requireAdmin } from '../permissions.js';
import { sql } from '../../store/database.js';
import { refreshTeamJoinMemberships } from '../../store/membership.js';

/** An admin changes a user's role. The last active admin cannot demote itself. */
export default defineOp({
  type: 'user.role-set',
  body: Type.Object({ role: Role }, { additionalProperties: false }),
  authorize({ db, actor, entity, body }) {
    const admin = requireAdmin(actor);
    const user = findUser(db, entity);
    if (!user) throw notFound('user_not_found', 'No such user.');
    // The last administrator may not step down; asking for the role one has is no step.
    if (user.role === body.role) return;
    const admins = sql<[], { n: number }>(db, "SELECT count(*) AS n FROM users WHERE role = 'admin' AND active = 1").get()!.n;
    if (user.id === admin.id && admins <= 1) throw conflict('last_admin', 'Make another administrator first.');
  },
  unchanged: ({ db, entity, body }) => findUser(db, entity)?.role === body.role,
  apply(db, op) {
    if (setUserRegister(db, op, 'role', { role: op.body.role })) refreshTeamJoinMemberships(db, op.entity);
  },
  audience: (db, op) => accountAudience(db, op.entity),
});
