import { Type } from '@sinclair/typebox';
import { defineOp } from '../op.js';
import { setUserRegister } from '../user-registers.js';
import { Sha256 } from '../fields.js';
import { accountAudience, findUser, requireSelfOrAdmin } from '../permissions.js';

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
  apply: (db, op) =>
    void setUserRegister(db, op, 'picture', {
      picture_large: op.body.picture?.large ?? null,
      picture_small: op.body.picture?.small ?? null,
    }),
  audience: (db, op) => accountAudience(db, op.entity),
});
