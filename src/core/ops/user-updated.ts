import { Type } from '@sinclair/typebox';
import { defineOp, opVersion, topic } from '../op.js';
import { DisplayName } from '../fields.js';
import { forbidden, notFound } from '../errors.js';
import { findUser, requireActor } from '../permissions.js';
import { sql } from '../../store/database.js';

/** A profile change: the display name. By the user, or an admin. */
export default defineOp({
  type: 'user.updated',
  body: Type.Object({ displayName: DisplayName }, { additionalProperties: false }),
  authorize({ db, actor, entity }) {
    const user = requireActor(actor);
    if (!findUser(db, entity)) throw notFound('user_not_found', 'No such user.');
    if (user.id !== entity && user.role !== 'admin') throw forbidden('not_allowed', 'You can only change your own profile.');
    return 'apply';
  },
  apply(db, op) {
    const version = opVersion(op);
    sql(db, 'UPDATE users SET display_name = ?, profile_ver = ? WHERE id = ? AND profile_ver < ?').run(op.body.displayName, version, op.entity, version);
  },
  audience: () => [topic.server],
});
