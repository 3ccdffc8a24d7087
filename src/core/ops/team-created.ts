import { Type } from '@sinclair/typebox';
import { defineOp, opVersion, topic } from '../op.js';
import { DisplayName, Id, TeamName } from '../fields.js';
import { conflict } from '../errors.js';
import { findTeam, requireAdmin } from '../permissions.js';
import { sql } from '../../store/database.js';
import { setTeamMember } from '../../store/membership.js';
import { insertChannel } from './channel-created.js';

export const DEFAULT_CHANNEL = { name: 'general', displayName: 'General' };

/** A team, with its default channel; the admin who creates it joins both. */
export default defineOp({
  type: 'team.created',
  body: Type.Object({ name: TeamName, displayName: DisplayName, defaultChannelId: Id }, { additionalProperties: false }),
  authorize({ db, actor, entity, body }) {
    requireAdmin(actor);
    const existing = sql<[string], { name: string }>(db, 'SELECT name FROM teams WHERE id = ?').get(entity);
    if (existing) {
      // The same create again (a retry) may; another team under that id collides.
      if (existing.name === body.name) return;
      throw conflict('team_id_taken', 'Another team has that id.');
    }
    if (sql(db, 'SELECT 1 FROM teams WHERE name = ?').get(body.name)) throw conflict('team_name_taken', `A team named ${body.name} exists.`);
  },
  unchanged: ({ db, entity }) => findTeam(db, entity) !== undefined,
  apply(db, op) {
    const version = opVersion(op);
    const { name, displayName, defaultChannelId } = op.body;
    sql(db, 'INSERT OR IGNORE INTO teams (id, name, display_name, default_channel_id, created_ver, profile_ver) VALUES (?, ?, ?, ?, ?, ?)').run(
      op.entity, name, displayName, defaultChannelId, version, version,
    );
    insertChannel(db, op, { id: defaultChannelId, teamId: op.entity, type: 'public', ...DEFAULT_CHANNEL, header: '', purpose: '', creatorId: op.author });
    if (op.author) setTeamMember(db, op.entity, op.author, true, version);
  },
  audience: (_db, op) => [topic.team(op.entity), topic.admins, ...(op.author ? [topic.user(op.author)] : [])],
});
