import { Type } from '@sinclair/typebox';
import { defineOp, opVersion, topic } from '../op.js';
import { DisplayName, Id, TeamName } from '../fields.js';
import { conflict } from '../errors.js';
import { findTeam, requireAdmin } from '../permissions.js';
import { sql } from '../../store/database.js';
import { joinDefaultChannel, setTeamMember } from '../../store/membership.js';
import { settleTeamName } from '../../store/names.js';
import { insertChannel } from './channel-created.js';

export const DEFAULT_CHANNEL = { name: 'general', displayName: 'General' };

/**
 * A team, with its default channel; the admin who creates it joins both, and so do those whose
 * joins arrived first. Two teams given one name on two boxes settle it (store/names.ts).
 */
export default defineOp({
  type: 'team.created',
  body: Type.Object({ name: TeamName, displayName: DisplayName, defaultChannelId: Id }, { additionalProperties: false }),
  authorize({ db, actor, entity, body }) {
    requireAdmin(actor);
    // The name asked for: a clash with a team made on another box may have suffixed the one it has.
    const existing = sql<[string], { name: string }>(db, 'SELECT requested_name AS name FROM teams WHERE id = ?').get(entity);
    if (existing) {
      // The same create again (a retry) may; another team under that id collides.
      if (existing.name === body.name) return;
      throw conflict('team_id_taken', 'Another team has that id.');
    }
    if (sql(db, 'SELECT 1 FROM teams WHERE name = ? OR requested_name = ?').get(body.name, body.name)) {
      throw conflict('team_name_taken', `A team named ${body.name} exists.`);
    }
  },
  unchanged: ({ db, entity }) => findTeam(db, entity) !== undefined,
  apply(db, op) {
    const version = opVersion(op);
    const { name, displayName, defaultChannelId } = op.body;
    sql(
      db,
      `INSERT OR IGNORE INTO teams (id, name, requested_name, display_name, default_channel_id, created_ver, profile_ver)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(op.entity, name, name, displayName, defaultChannelId, version, version);
    settleTeamName(db, name);
    insertChannel(db, op, {
      id: defaultChannelId,
      teamId: op.entity,
      type: 'public',
      ...DEFAULT_CHANNEL,
      header: '',
      purpose: '',
      creatorId: op.author,
    });
    joinDefaultChannel(db, op.entity, defaultChannelId);
    if (op.author) setTeamMember(db, op.entity, op.author, true, version);
  },
  creates: (op) => [op.entity, op.body.defaultChannelId],
  audience: (_db, op) => [topic.team(op.entity), topic.admins, ...(op.author ? [topic.user(op.author)] : [])],
});
