/** Channels as the channels table holds them, and as the API shows them, with each member's unread and mention counts. */
import { sql, type Db } from '../database.js';
import { hlcMillis } from '../../core/hlc.js';
import type { UserRow } from './users.js';

export type ChannelType = 'public' | 'private' | 'direct' | 'group';

export interface ChannelRow {
  id: string;
  team_id: string | null;
  type: ChannelType;
  name: string;
  requested_name: string;
  display_name: string;
  header: string;
  purpose: string;
  creator_id: string | null;
  archived: number;
  created_hlc: string;
}

export function presentChannel(db: Db, row: ChannelRow) {
  const conversation = row.type === 'direct' || row.type === 'group';
  return {
    id: row.id,
    teamId: row.team_id,
    type: row.type,
    name: row.name,
    displayName: row.display_name,
    header: row.header,
    purpose: row.purpose,
    creatorId: row.creator_id,
    archived: row.archived === 1,
    createdAt: hlcMillis(row.created_hlc),
    ...(conversation ? { memberIds: memberIds(db, row.id) } : {}),
  };
}

const memberIds = (db: Db, channelId: string): string[] =>
  sql<[string], { user_id: string }>(db, 'SELECT user_id FROM channel_members WHERE channel_id = ? AND active = 1 ORDER BY user_id')
    .all(channelId)
    .map((row) => row.user_id);

interface MyChannelRow extends ChannelRow {
  last_viewed_hlc: string;
  notify_level: string;
  muted: number;
  unread: number;
  mentions: number;
  last_post_hlc: string | null;
}

/**
 * The sidebar: every channel the user is a member of, with unread posts (others' posts after
 * the read mark) and mentions (of the user by name, @channel, @all or @here; in a direct or
 * group conversation every unread post counts as one).
 */
export function myChannels(db: Db, user: UserRow) {
  const rows = sql<[{ me: string; username: string }], MyChannelRow>(
    db,
    `SELECT c.*, m.last_viewed_hlc, m.notify_level, m.muted,
       (SELECT count(*) FROM posts p WHERE p.channel_id = c.id AND p.created_hlc > m.last_viewed_hlc AND p.deleted = 0 AND p.user_id != @me) AS unread,
       (SELECT count(DISTINCT pm.post_id) FROM post_mentions pm JOIN posts p ON p.id = pm.post_id
         WHERE pm.channel_id = c.id AND pm.created_hlc > m.last_viewed_hlc AND pm.name IN (@username, 'channel', 'all', 'here') AND p.user_id != @me) AS mentions,
       (SELECT max(p.created_hlc) FROM posts p WHERE p.channel_id = c.id) AS last_post_hlc
     FROM (
       -- The replicated mark, or this box's read position when it is ahead (core/read-marks.ts).
       SELECT m.channel_id, m.notify_level, m.muted, max(m.last_viewed_hlc, coalesce(r.viewed_hlc, '')) AS last_viewed_hlc
       FROM channel_members m LEFT JOIN read_positions r ON r.channel_id = m.channel_id AND r.user_id = m.user_id
       WHERE m.user_id = @me AND m.active = 1
     ) m JOIN channels c ON c.id = m.channel_id
     ORDER BY c.team_id, c.display_name`,
  ).all({ me: user.id, username: user.username });
  return rows.map((row) => ({
    ...presentChannel(db, row),
    unread: row.unread,
    mentions: row.type === 'direct' || row.type === 'group' ? row.unread : row.mentions,
    lastViewedAt: hlcMillis(row.last_viewed_hlc),
    notifyLevel: row.notify_level,
    muted: row.muted === 1,
    lastPostAt: row.last_post_hlc === null ? null : hlcMillis(row.last_post_hlc),
  }));
}

/** A team's channels this user may see: public ones (to browse and join) unless a guest, and its own. */
export function teamChannels(db: Db, user: UserRow, teamId: string) {
  const rows = sql<[{ team: string; me: string; role: string }], ChannelRow & { member: number }>(
    db,
    `SELECT c.*, coalesce(m.active, 0) AS member FROM channels c
     LEFT JOIN channel_members m ON m.channel_id = c.id AND m.user_id = @me
     WHERE c.team_id = @team AND (coalesce(m.active, 0) = 1 OR (c.type = 'public' AND @role != 'guest'))
     ORDER BY c.display_name`,
  ).all({ team: teamId, me: user.id, role: user.role });
  return rows.map((row) => ({ ...presentChannel(db, row), member: row.member === 1 }));
}

export const channelMemberRows = (db: Db, channelId: string) =>
  sql<[string], UserRow>(
    db,
    'SELECT u.* FROM channel_members m JOIN users u ON u.id = m.user_id WHERE m.channel_id = ? AND m.active = 1 ORDER BY u.username',
  ).all(channelId);
