/**
 * Memberships are last-writer-wins registers per (team, user) and (channel, user): an add and
 * a remove made on two boxes during a partition settle the same way everywhere, by version.
 * Joining a team joins its default channel (guests excepted); leaving a team leaves all of its
 * channels.
 */
import { sql, type Db } from './database.js';
import { versionHlc } from '../core/op.js';

export function setChannelMember(db: Db, channelId: string, userId: string, active: boolean, version: string): void {
  // Joining also moves the read mark to the join (nothing before it is unread). The read mark
  // is its own last-writer-wins register, so a later "mark read" still wins, in any order;
  // leaving leaves it alone (an empty version loses to every real one).
  const viewedVersion = active ? version : '';
  sql(
    db,
    `INSERT INTO channel_members (channel_id, user_id, active, ver, last_viewed_hlc, viewed_ver)
     VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (channel_id, user_id) DO UPDATE SET
       active = CASE WHEN excluded.ver > channel_members.ver THEN excluded.active ELSE channel_members.active END,
       ver = max(excluded.ver, channel_members.ver),
       last_viewed_hlc = CASE WHEN excluded.viewed_ver > channel_members.viewed_ver THEN excluded.last_viewed_hlc ELSE channel_members.last_viewed_hlc END,
       viewed_ver = max(excluded.viewed_ver, channel_members.viewed_ver)`,
  ).run(channelId, userId, active ? 1 : 0, version, versionHlc(version), viewedVersion);
}

export function setTeamMember(db: Db, teamId: string, userId: string, active: boolean, version: string): void {
  const changed = sql(
    db,
    `INSERT INTO team_members (team_id, user_id, active, ver) VALUES (?, ?, ?, ?)
     ON CONFLICT (team_id, user_id) DO UPDATE SET active = excluded.active, ver = excluded.ver
     WHERE excluded.ver > team_members.ver`,
  ).run(teamId, userId, active ? 1 : 0, version).changes;
  if (changed === 0) return;
  if (active) {
    // Guests see only the channels they are added to, so they skip the default channel too.
    const role = sql<[string], { role: string }>(db, 'SELECT role FROM users WHERE id = ?').get(userId)?.role;
    const team = sql<[string], { default_channel_id: string }>(db, 'SELECT default_channel_id FROM teams WHERE id = ?').get(teamId);
    if (team && role !== 'guest') setChannelMember(db, team.default_channel_id, userId, true, version);
  } else {
    const channels = sql<[string, string], { channel_id: string }>(
      db,
      `SELECT m.channel_id FROM channel_members m JOIN channels c ON c.id = m.channel_id
       WHERE c.team_id = ? AND m.user_id = ? AND m.active = 1`,
    ).all(teamId, userId);
    for (const { channel_id } of channels) setChannelMember(db, channel_id, userId, false, version);
  }
}
