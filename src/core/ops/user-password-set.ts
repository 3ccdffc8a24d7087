import { Type } from '@sinclair/typebox';
import { defineOp, opVersion, Purgeable, type Op, type OpName } from '../op.js';
import { setUserRegister } from '../user-registers.js';
import { PasswordHash } from '../fields.js';
import { requireSelfOrAdmin } from '../permissions.js';
import { sql, type Db } from '../../store/database.js';
import { opsAbout } from '../../store/op-log.js';
import { isPurged } from '../../store/op-chain.js';

/**
 * Every password op of a user but the one whose hash the user has now: their hashes are purged
 * (a leaked old database, or a box that relays the log, must not carry old password hashes).
 * `op` counts though not yet in the log. A password op that arrives before its account (it is
 * parked) supersedes nothing yet and is superseded by nothing: the account's create settles it.
 */
export function supersededPasswords(db: Db, op: Op): OpName[] {
  const current = sql<[string], { password_ver: string }>(db, 'SELECT password_ver FROM users WHERE id = ?').get(op.entity)?.password_ver;
  if (current === undefined) return [];
  const held = opsAbout(db, op.entity, ['user.created', 'user.password-set']);
  return [...held, op].filter((name) => opVersion(name) !== current);
}

/**
 * A new password hash. The proof that the user knows the old password is checked by the
 * request handler before this op is made; here only who may set it.
 */
export default defineOp({
  type: 'user.password-set',
  body: Type.Object({ passwordHash: Purgeable(PasswordHash) }, { additionalProperties: false }),
  authorize({ db, actor, entity }) {
    requireSelfOrAdmin(db, actor, entity);
  },
  apply(db, op) {
    // A purged hash was superseded where it was purged; until the newer one arrives, no password opens the account.
    setUserRegister(db, op, 'password', { password_hash: isPurged(op.body.passwordHash) ? '' : op.body.passwordHash });
  },
  obsoletes: supersededPasswords,
  audience: () => [],
  present: () => ({}),
});
