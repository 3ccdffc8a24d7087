import { Type } from '@sinclair/typebox';
import { defineOp, opVersion } from '../op.js';
import { Sha256 } from '../fields.js';
import { accountAudience, findUser, requireSelfOrAdmin } from '../permissions.js';
import { sql } from '../../store/database.js';
import { park } from '../../store/parked-ops.js';

/**
 * A user's profile picture set, or removed (`picture: null`): by the user, or an admin. The
 * op names the two sizes the box made (http/routes/user-pictures.ts) by the hashes of their
 * bytes, which travel as files do; a register of its own (last writer wins on `picture_ver`).
 */
export default defineOp({
  type: 'user.picture-set',
  body: Type.Object(
    { picture: Type.Union([Type.Object({ large: Sha256, small: Sha256 }, { additionalProperties: false }), Type.Null()]) },
    { additionalProperties: false },
  ),
  authorize({ db, actor, entity }) {
    requireSelfOrAdmin(db, actor, entity);
  },
  unchanged: ({ db, entity, body }) => (findUser(db, entity)?.picture_large ?? null) === (body.picture?.large ?? null),
  apply(db, op) {
    const version = opVersion(op);
    const changed = sql(db, 'UPDATE users SET picture_large = ?, picture_small = ?, picture_ver = ? WHERE id = ? AND picture_ver < ?').run(
      op.body.picture?.large ?? null,
      op.body.picture?.small ?? null,
      version,
      op.entity,
      version,
    ).changes;
    if (changed === 0 && !sql(db, 'SELECT 1 FROM users WHERE id = ?').get(op.entity)) return park(db, op);
  },
  audience: (db, op) => accountAudience(db, op.entity),
});
