import { Type } from '@sinclair/typebox';
import { defineOp, opVersion, topic } from '../op.js';
import { Id, Role } from '../fields.js';
import { conflict, notFound } from '../errors.js';
import { findTeam, requireAdmin } from '../permissions.js';
import { sql } from '../../store/database.js';
import { hlcMillis } from '../hlc.js';
import { setTeamMember } from '../../store/membership.js';

/**
 * An invite link to a team with a role. Only the SHA-256 of its token travels in the op: the
 * link itself is shown once to the admin who made it.
 */
export default defineOp({
  type: 'invite.created',
  body: Type.Object(
    {
      tokenHash: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$' }),
      teamId: Id,
      role: Role,
      lifetimeHours: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
      maxUses: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
    },
    { additionalProperties: false },
  ),
  authorize({ db, actor, entity, body }) {
    requireAdmin(actor);
    if (!findTeam(db, body.teamId)) throw notFound('team_not_found', 'No such team.');
    if (sql(db, 'SELECT 1 FROM invites WHERE id = ?').get(entity)) throw conflict('invite_exists', 'That invite already exists.');
  },
  apply(db, op) {
    const version = opVersion(op);
    const { tokenHash, teamId, role, lifetimeHours, maxUses } = op.body;
    // Expiry counts from the op's own time, so it is exactly the lifetime asked for, on every box.
    const createdAt = hlcMillis(op.hlc);
    const expiresAt = lifetimeHours === null ? null : createdAt + lifetimeHours * 3600_000;
    sql(
      db,
      `INSERT OR IGNORE INTO invites (id, token_hash, team_id, role, expires_at, max_uses, created_by, created_at, revoked, created_ver, revoked_ver)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)`,
    ).run(op.entity, tokenHash, teamId, role, expiresAt, maxUses, op.author, createdAt, version, version);
    // Accounts made with this invite on a box it reached first join its team here too, as of their creation.
    const users = sql<[string], { id: string; created_ver: string }>(db, 'SELECT id, created_ver FROM users WHERE invite_id = ?').all(
      op.entity,
    );
    for (const user of users) setTeamMember(db, teamId, user.id, true, user.created_ver);
  },
  creates: (op) => [op.entity],
  audience: () => [topic.admins],
  present: ({ body: { teamId, role, lifetimeHours, maxUses } }) => ({ teamId, role, lifetimeHours, maxUses }),
});
