import { Type } from '@sinclair/typebox';
import { defineOp, opVersion, Purgeable } from '../op.js';
import { DisplayName, Id, PasswordHash, Role, Username } from '../fields.js';
import { badRequest, conflict, forbidden } from '../errors.js';
import { accountAudience, hasUsers, requireAdmin } from '../permissions.js';
import { sql, type Db } from '../../store/database.js';
import { settleUsername } from '../../store/names.js';
import { refreshTeamJoinMemberships, setTeamMember } from '../../store/membership.js';
import { findInvite, inviteProblem } from '../invites.js';
import { isPurged } from '../../store/op-chain.js';
import { supersededPasswords } from './user-password-set.js';

export const usernameTaken = (db: Db, username: string): boolean =>
  sql<[string, string], { id: string }>(db, 'SELECT id FROM users WHERE username = ? OR requested_username = ? LIMIT 1').get(
    username,
    username,
  ) !== undefined;

/** An account. Made by the setup code holder (the first admin), by an invite link, or by an admin. */
export default defineOp({
  type: 'user.created',
  body: Type.Object(
    {
      username: Username,
      displayName: DisplayName,
      role: Role,
      passwordHash: Purgeable(PasswordHash),
      inviteId: Type.Union([Id, Type.Null()]),
    },
    { additionalProperties: false },
  ),
  authorize({ db, actor, grant, entity, body, now }) {
    if (sql(db, 'SELECT 1 FROM users WHERE id = ?').get(entity)) throw conflict('user_exists', 'That account already exists.');
    if (usernameTaken(db, body.username)) throw conflict('username_taken', `The username ${body.username} is taken.`);
    if (grant?.kind === 'setup') {
      if (hasUsers(db)) throw forbidden('setup_done', 'This server is already set up.');
      if (body.role !== 'admin' || body.inviteId !== null) throw badRequest('invalid_setup', 'Setup creates the first administrator.');
      return;
    }
    if (grant?.kind === 'invite') {
      const invite = findInvite(db, grant.inviteId);
      const problem = inviteProblem(db, invite, now);
      if (problem) throw forbidden(problem, 'This invite link is no longer valid. Ask for a new one.');
      if (body.inviteId !== grant.inviteId || body.role !== invite!.role)
        throw badRequest('invalid_invite', 'The account does not match its invite.');
      return;
    }
    requireAdmin(actor);
  },
  apply(db, op) {
    const version = opVersion(op);
    const { username, displayName, role, inviteId } = op.body;
    // Purged when a later password replaced it (user.password-set); that one sets the hash.
    const passwordHash = isPurged(op.body.passwordHash) ? '' : op.body.passwordHash;
    sql(
      db,
      `INSERT OR IGNORE INTO users (id, username, requested_username, display_name, role, password_hash, active, invite_id,
         created_ver, profile_ver, role_ver, password_ver, active_ver)
       VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?)`,
    ).run(op.entity, username, username, displayName, role, passwordHash, inviteId, version, version, version, version, version);
    settleUsername(db, username);
    refreshTeamJoinMemberships(db, op.entity);
    // An invite that has not arrived yet joins its users to its team when it does (invite.created).
    const invite = inviteId === null ? undefined : findInvite(db, inviteId);
    if (invite) setTeamMember(db, invite.team_id, op.entity, true, version);
  },
  creates: (op) => [op.entity],
  obsoletes: supersededPasswords,
  audience: (db, op) => accountAudience(db, op.entity),
  present: ({ body: { username, displayName, role } }) => ({ username, displayName, role }),
});
