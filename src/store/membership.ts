/**
 * Memberships, settled by the versions of the ops involved so that they come out the same
 * whatever order those ops arrive in (core/op.ts, "Delivery contract").
 *
 * - `team_members` (team, user): `active`/`ver` is the last-writer-wins register of joins and
 *   leaves; `joined_ver` and `left_ver` keep the newest join and the newest leave seen, which
 *   only grow.
 * - `channel_members` (channel, user): `joined`/`ver` is the last-writer-wins register of that
 *   channel's adds and removes; `by_team_join` says a team join wrote it (the default channel).
 *
 * `active` on a channel member is the EFFECTIVE membership, and the only column readers ask
 * (permissions, realtime topics, search, unread counts all filter on `active = 1`). No op writes
 * it: `refresh` derives it from the register and the rows it depends on, and runs whenever one
 * of them changes (the register, the member's team leave, the channel's row, the user's role),
 * so it never depends on which of them came first. A channel member is effective when:
 *
 * 1. the register says joined;
 * 2. it is newer than the member's latest leave of the channel's team: leaving a team leaves
 *    its channels, and a join newer than the leave (made on a box that had not seen it) counts;
 * 3. when a team join wrote it, the member is not a guest whose role was set before that join
 *    (or by it: an account made by a guest invite joins the team in the same op): guests see
 *    only the channels they are added to, so they do not get the default channel (a member
 *    made a guest after joining keeps it, as when the role change came later).
 *
 * Joining a team writes the default channel's register on every box, whatever the user's role
 * there; a join that arrives before its team does is written when the team is created.
 */
import { sql, type Db } from './database.js';
import { versionHlc } from '../core/op.js';

const EFFECTIVE = `channel_members.joined = 1
  AND channel_members.ver > coalesce((SELECT t.left_ver FROM channels c
    JOIN team_members t ON t.team_id = c.team_id AND t.user_id = channel_members.user_id WHERE c.id = channel_members.channel_id), '')
  AND NOT (channel_members.by_team_join = 1
    AND EXISTS (SELECT 1 FROM users u WHERE u.id = channel_members.user_id AND u.role = 'guest' AND u.role_ver <= channel_members.ver))`;

/** Recomputes `active` for the channel members the condition selects. */
const refresh = (db: Db, where: string) => sql(db, `UPDATE channel_members SET active = (${EFFECTIVE}) WHERE ${where}`);

export function setChannelMember(db: Db, channelId: string, userId: string, joined: boolean, version: string, byTeamJoin = false): void {
  // Joining also moves the read mark to the join (nothing before it is unread). The read mark
  // is its own register where the furthest position wins (core/ops/channel-viewed.ts), so a
  // later "mark read" still wins, in any order; leaving leaves it alone (an empty position loses
  // to every real one).
  const viewedVersion = joined ? version : '';
  const viewedHlc = joined ? versionHlc(version) : '';
  sql(
    db,
    `INSERT INTO channel_members (channel_id, user_id, joined, by_team_join, active, ver, last_viewed_hlc, viewed_ver)
     VALUES (?, ?, ?, ?, 0, ?, ?, ?)
     ON CONFLICT (channel_id, user_id) DO UPDATE SET
       joined = CASE WHEN excluded.ver > channel_members.ver THEN excluded.joined ELSE channel_members.joined END,
       by_team_join = CASE WHEN excluded.ver > channel_members.ver THEN excluded.by_team_join ELSE channel_members.by_team_join END,
       ver = max(excluded.ver, channel_members.ver),
       last_viewed_hlc = CASE WHEN (excluded.last_viewed_hlc, excluded.viewed_ver) > (channel_members.last_viewed_hlc, channel_members.viewed_ver)
         THEN excluded.last_viewed_hlc ELSE channel_members.last_viewed_hlc END,
       viewed_ver = CASE WHEN (excluded.last_viewed_hlc, excluded.viewed_ver) > (channel_members.last_viewed_hlc, channel_members.viewed_ver)
         THEN excluded.viewed_ver ELSE channel_members.viewed_ver END`,
  ).run(channelId, userId, joined ? 1 : 0, byTeamJoin ? 1 : 0, version, viewedHlc, viewedVersion);
  refresh(db, 'channel_id = ? AND user_id = ?').run(channelId, userId);
}

export function setTeamMember(db: Db, teamId: string, userId: string, joined: boolean, version: string): void {
  sql(
    db,
    `INSERT INTO team_members (team_id, user_id, active, ver, joined_ver, left_ver) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (team_id, user_id) DO UPDATE SET
       active = CASE WHEN excluded.ver > team_members.ver THEN excluded.active ELSE team_members.active END,
       ver = max(excluded.ver, team_members.ver),
       joined_ver = max(excluded.joined_ver, team_members.joined_ver),
       left_ver = max(excluded.left_ver, team_members.left_ver)`,
  ).run(teamId, userId, joined ? 1 : 0, version, joined ? version : '', joined ? '' : version);
  if (joined) {
    const team = sql<[string], { default_channel_id: string }>(db, 'SELECT default_channel_id FROM teams WHERE id = ?').get(teamId);
    if (team) setChannelMember(db, team.default_channel_id, userId, true, version, true);
  } else {
    refresh(db, 'user_id = ? AND channel_id IN (SELECT id FROM channels WHERE team_id = ?)').run(userId, teamId);
  }
}

/** A new team's default channel gets the members whose joins arrived before the team did. */
export function joinDefaultChannel(db: Db, teamId: string, defaultChannelId: string): void {
  const joins = sql<[string], { user_id: string; joined_ver: string }>(
    db,
    "SELECT user_id, joined_ver FROM team_members WHERE team_id = ? AND joined_ver != ''",
  ).all(teamId);
  for (const { user_id, joined_ver } of joins) setChannelMember(db, defaultChannelId, user_id, true, joined_ver, true);
}

/** A channel's row arrived (its team is now known): its members are settled again. */
export function refreshChannelMembers(db: Db, channelId: string): void {
  refresh(db, 'channel_id = ?').run(channelId);
}

/** A user's row or role changed: the memberships its team joins wrote are settled again. */
export function refreshTeamJoinMemberships(db: Db, userId: string): void {
  refresh(db, 'user_id = ? AND by_team_join = 1').run(userId);
}

/**
 * Read marks and notification settings are registers of their own on the member's row; one
 * that arrives before the membership it belongs to makes the row, not a member yet.
 */
export function ensureChannelMemberRow(db: Db, channelId: string, userId: string): void {
  sql(
    db,
    `INSERT OR IGNORE INTO channel_members (channel_id, user_id, joined, by_team_join, active, ver, last_viewed_hlc, viewed_ver)
     VALUES (?, ?, 0, 0, 0, '', '', '')`,
  ).run(channelId, userId);
}
