import { Type } from '@sinclair/typebox';
import { defineOp } from '../op.js';
import { setUserRegister } from '../user-registers.js';
import { conflict, notFound } from '../errors.js';
import { accountAudience, findUser, requireAdmin } from '../permissions.js';

/**
 * Deactivate or reactivate an account. A deactivated user keeps its history and name but
 * cannot log in; its sessions and sockets end as soon as this op is committed (see
 * http/sessions.ts and realtime/hub.ts, which react to it).
 */
export default defineOp({
  type: 'user.active-set',
  body: Type.Object({ active: Type.Boolean() }, { additionalProperties: false }),
  authorize({ db, actor, entity, body }) {
    const admin = requireAdmin(actor);
    const user = findUser(db, entity);
    if (!user) throw notFound('user_not_found', 'No such user.');
    if (user.id === admin.id && !body.active) throw conflict('cannot_deactivate_self', 'You cannot deactivate your own account.');
  },
  unchanged: ({ db, entity, body }) => (findUser(db, entity)?.active === 1) === body.active,
  apply: (db, op) => void setUserRegister(db, op, 'active', { active: op.body.active ? 1 : 0 }),
  audience: (db, op) => accountAudience(db, op.entity),
});
