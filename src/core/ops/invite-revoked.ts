import { Type } from '@sinclair/typebox';
import { defineOp, opVersion, topic } from '../op.js';
import { notFound } from '../errors.js';
import { requireAdmin } from '../permissions.js';
import { findInvite } from '../invites.js';
import { sql } from '../../store/database.js';
import { park } from '../../store/parked-ops.js';

/** Revoking an invite link: nobody can register with it afterwards. Accounts made with it stay. */
export default defineOp({
  type: 'invite.revoked',
  body: Type.Object({}, { additionalProperties: false }),
  authorize({ db, actor, entity }) {
    requireAdmin(actor);
    if (!findInvite(db, entity)) throw notFound('invite_not_found', 'No such invite.');
  },
  unchanged: ({ db, entity }) => findInvite(db, entity)?.revoked === 1,
  apply(db, op) {
    const version = opVersion(op);
    const changed = sql(db, 'UPDATE invites SET revoked = 1, revoked_ver = ? WHERE id = ? AND revoked_ver < ?').run(
      version,
      op.entity,
      version,
    ).changes;
    if (changed === 0 && !findInvite(db, op.entity)) park(db, op);
  },
  audience: () => [topic.admins],
});
