/**
 * Who may see and do what: the one place these rules live. REST handlers, the realtime
 * fan-out, resume replay and op authorization all ask these functions, so a rule changed here
 * changes everywhere (docs/DESIGN.md "Clients": the same check for every way in).
 *
 * Roles: `admin` manages the server; `member` joins public channels of its teams; `guest`
 * sees only the channels it was added to.
 */
import { sql, type Db } from '../store/database.js';
import { forbidden, notFound } from './errors.js';
import { topic } from './op.js';
import type { ChannelRow } from '../store/read/channels.js';
import type { PostFileRow } from '../store/read/posts.js';
import type { TeamRow } from '../store/read/teams.js';
import type { UserRow } from '../store/read/users.js';

export const findUser = (db: Db, id: string): UserRow | undefined => sql<[string], UserRow>(db, 'SELECT * FROM users WHERE id = ?').get(id);

export const findUserByName = (db: Db, username: string): UserRow | undefined =>
  sql<[string], UserRow>(db, 'SELECT * FROM users WHERE username = ?').get(username);

/** A box with no account yet waits for its first administrator (the setup code). */
export const hasUsers = (db: Db): boolean => sql(db, 'SELECT 1 FROM users LIMIT 1').get() !== undefined;

export const findChannel = (db: Db, id: string): ChannelRow | undefined =>
  sql<[string], ChannelRow>(db, 'SELECT * FROM channels WHERE id = ?').get(id);

export const findTeam = (db: Db, id: string): TeamRow | undefined => sql<[string], TeamRow>(db, 'SELECT * FROM teams WHERE id = ?').get(id);

export const isTeamMember = (db: Db, teamId: string, userId: string): boolean =>
  sql<[string, string], { active: number }>(db, 'SELECT active FROM team_members WHERE team_id = ? AND user_id = ?').get(teamId, userId)
    ?.active === 1;

/**
 * `active` is the effective membership, derived from the versions involved by
 * store/membership.ts (a team leave, a guest's team join); every reader filters on it alone.
 */
export const isChannelMember = (db: Db, channelId: string, userId: string): boolean =>
  sql<[string, string], { active: number }>(db, 'SELECT active FROM channel_members WHERE channel_id = ? AND user_id = ?').get(
    channelId,
    userId,
  )?.active === 1;

export const isAdmin = (user: UserRow | undefined): boolean => user?.role === 'admin' && user.active === 1;

/** Members read their channels; non-guest team members may also read the team's public ones. */
export function canReadChannel(db: Db, user: UserRow, channel: ChannelRow): boolean {
  if (user.active !== 1) return false;
  if (isChannelMember(db, channel.id, user.id)) return true;
  return channel.type === 'public' && user.role !== 'guest' && channel.team_id !== null && isTeamMember(db, channel.team_id, user.id);
}

/** The files of live posts in channels this user can read that hold these bytes, as file or as thumbnail. */
export function readablePostFiles(db: Db, user: UserRow, hash: string): PostFileRow[] {
  const rows = sql<[string, string], PostFileRow>(
    db,
    `SELECT pf.* FROM post_files pf JOIN posts p ON p.id = pf.post_id
     WHERE (pf.hash = ? OR pf.thumbnail_hash = ?) AND p.deleted = 0 ORDER BY p.created_hlc, pf.position`,
  ).all(hash, hash);
  return rows.filter((row) => {
    const channel = findChannel(db, row.channel_id);
    return channel !== undefined && canReadChannel(db, user, channel);
  });
}

/**
 * Downloads follow posts: a user may read the bytes that a post they can read carries (named
 * as that post names them), or that they uploaded themselves (named by the hash until posted).
 * Anyone else gets undefined, and is told 404, so a private channel's files do not leak.
 */
export function readableFileName(db: Db, user: UserRow, hash: string): string | undefined {
  if (user.active !== 1) return undefined;
  const posted = readablePostFiles(db, user, hash);
  if (posted.length > 0) return posted.find((file) => file.hash === hash)?.name ?? hash;
  return sql<[string, string], { one: number }>(db, 'SELECT 1 AS one FROM uploads WHERE hash = ? AND user_id = ?').get(hash, user.id)
    ? hash
    : undefined;
}

/** The channel, if this user may read it; 404 otherwise, so a private channel's existence does not leak. */
export function readableChannel(db: Db, user: UserRow, channelId: string): ChannelRow {
  const channel = findChannel(db, channelId);
  if (!channel || !canReadChannel(db, user, channel)) throw notFound('channel_not_found', 'No such channel, or you cannot read it.');
  return channel;
}

export function requireActor(actor: UserRow | undefined): UserRow {
  if (!actor || actor.active !== 1) throw forbidden('not_allowed', 'This account cannot do that.');
  return actor;
}

/** Changing an account's own settings: the user itself, or an admin. */
export function requireSelfOrAdmin(db: Db, actor: UserRow | undefined, userId: string): UserRow {
  const user = requireActor(actor);
  if (!findUser(db, userId)) throw notFound('user_not_found', 'No such user.');
  if (user.id !== userId && user.role !== 'admin') throw forbidden('not_allowed', 'You can only change your own account.');
  return user;
}

export function requireAdmin(actor: UserRow | undefined): UserRow {
  const user = requireActor(actor);
  if (user.role !== 'admin') throw forbidden('admin_only', 'Only an administrator can do that.');
  return user;
}

export function requireWritable(channel: ChannelRow): void {
  if (channel.archived === 1) throw forbidden('channel_archived', 'This channel is archived and read-only.');
}

/** Posting, reacting and pinning need an active membership of a writable channel. */
export function requirePoster(db: Db, actor: UserRow | undefined, channelId: string): ChannelRow {
  const user = requireActor(actor);
  const channel = readableChannel(db, user, channelId);
  requireWritingMember(db, user, channel);
  return channel;
}

/** Writing into a channel (posting, reacting, pinning) takes a member, and a channel not archived. */
export function requireWritingMember(db: Db, user: UserRow, channel: ChannelRow): void {
  if (!isChannelMember(db, channel.id, user.id)) throw forbidden('not_channel_member', 'Join the channel first.');
  requireWritable(channel);
}

/**
 * A channel an admin manages, or that the user can read. Admins archive any channel, change
 * members and delete posts anywhere (moderation), without becoming able to read private
 * channels they are not in: reading still goes through readableChannel.
 */
export function manageableChannel(db: Db, user: UserRow, channelId: string): ChannelRow {
  if (user.role !== 'admin') return readableChannel(db, user, channelId);
  const channel = findChannel(db, channelId);
  if (!channel) throw notFound('channel_not_found', 'No such channel.');
  return channel;
}

/** Changing a channel's name, header or purpose: admins, or non-guest members of it. */
export function requireChannelManager(db: Db, actor: UserRow | undefined, channelId: string): ChannelRow {
  const user = requireActor(actor);
  const channel = manageableChannel(db, user, channelId);
  if (user.role === 'admin') return channel;
  if (user.role === 'guest' || !isChannelMember(db, channel.id, user.id)) {
    throw forbidden('not_channel_manager', 'Only members of this channel can change it.');
  }
  return channel;
}

/** The topics a user's sockets subscribe to, and against which the feed is filtered on resume. */
export function userTopics(db: Db, user: UserRow): Set<string> {
  const topics = new Set<string>([topic.user(user.id)]);
  if (user.active !== 1) return topics;
  if (user.role !== 'guest') topics.add(topic.members);
  if (user.role === 'admin') topics.add(topic.admins);
  for (const { team_id } of sql<[string], { team_id: string }>(db, 'SELECT team_id FROM team_members WHERE user_id = ? AND active = 1').all(
    user.id,
  )) {
    topics.add(topic.team(team_id));
    if (user.role !== 'guest') topics.add(topic.publicChannels(team_id));
  }
  for (const channelId of channelIdsOf(db, user.id)) topics.add(topic.channel(channelId));
  return topics;
}

const channelIdsOf = (db: Db, userId: string): string[] =>
  sql<[string], { channel_id: string }>(db, 'SELECT channel_id FROM channel_members WHERE user_id = ? AND active = 1')
    .all(userId)
    .map((row) => row.channel_id);

/**
 * Who may learn of an account and its changes: everyone but guests, the account itself, and
 * the guests it shares a channel with (the rule of store/read/users.ts canSeeUser).
 */
export const accountAudience = (db: Db, userId: string): string[] => [
  topic.members,
  topic.user(userId),
  ...channelIdsOf(db, userId).map(topic.channel),
];
