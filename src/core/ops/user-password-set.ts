import { Type } from '@sinclair/typebox';
import { defineOp, opVersion } from '../op.js';
import { PasswordHash } from '../fields.js';
import { requireSelfOrAdmin } from '../permissions.js';
import { sql } from '../../store/database.js';
import { park } from '../../store/parked-ops.js';

/**
 * A new password hash. The proof that the user knows the old password is checked by the
 * request handler before this op is made; here only who may set it.
 */
export default defineOp({
  type: 'user.password-set',
  body: Type.Object({ passwordHash: PasswordHash }, { additionalProperties: false }),
  authorize({ db, actor, entity }) {
    requireSelfOrAdmin(db, actor, entity);
    return 'apply';
  },
  apply(db, op) {
    const version = opVersion(op);
    const changed = sql(db, 'UPDATE users SET password_hash = ?, password_ver = ? WHERE id = ? AND password_ver < ?').run(
      op.body.passwordHash, version, op.entity, version,
    ).changes;
    if (changed === 0 && !sql(db, 'SELECT 1 FROM users WHERE id = ?').get(op.entity)) return park(db, op);
  },
  audience: () => [],
  present: () => ({}),
});
