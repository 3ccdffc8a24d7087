import { Type } from '@sinclair/typebox';
import { defineOp, opVersion, topic } from '../op.js';
import { DisplayName } from '../fields.js';
import { notFound } from '../errors.js';
import { findTeam, requireAdmin } from '../permissions.js';
import { sql } from '../../store/database.js';
import { park } from '../../store/parked-ops.js';

/** Renaming a team (its display name; the short name stays, as links use it). */
export default defineOp({
  type: 'team.updated',
  body: Type.Object({ displayName: DisplayName }, { additionalProperties: false }),
  authorize({ db, actor, entity }) {
    requireAdmin(actor);
    if (!findTeam(db, entity)) throw notFound('team_not_found', 'No such team.');
  },
  unchanged: ({ db, entity, body }) => findTeam(db, entity)?.display_name === body.displayName,
  apply(db, op) {
    const version = opVersion(op);
    const changed = sql(db, 'UPDATE teams SET display_name = ?, profile_ver = ? WHERE id = ? AND profile_ver < ?').run(
      op.body.displayName,
      version,
      op.entity,
      version,
    ).changes;
    if (changed === 0 && !findTeam(db, op.entity)) park(db, op);
  },
  audience: (_db, op) => [topic.team(op.entity), topic.admins],
});
