import { Type } from '@sinclair/typebox';
import { defineOp } from '../op.js';
import { setUserRegister } from '../user-registers.js';
import { DisplayName } from '../fields.js';
import { accountAudience, requireSelfOrAdmin } from '../permissions.js';

/** A profile change: the display name. By the user, or an admin. */
export default defineOp({
  type: 'user.updated',
  body: Type.Object({ displayName: DisplayName }, { additionalProperties: false }),
  authorize({ db, actor, entity }) {
    requireSelfOrAdmin(db, actor, entity);
  },
  apply: (db, op) => void setUserRegister(db, op, 'profile', { display_name: op.body.displayName }),
  audience: (db, op) => accountAudience(db, op.entity),
});
