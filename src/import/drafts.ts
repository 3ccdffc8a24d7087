/**
 * The ops an importer writes for a source's teams, channels and accounts, whatever the source.
 * Each looks first for what is already here: the same id (a re-import), or the same name (a
 * team or channel the club made on the box before importing, which the import then fills
 * rather than duplicates). The importing administrator creates teams and channels and then
 * leaves them, so member lists are the source's.
 */
import type { OpDraft } from '../core/op.js';
import { conversationId } from '../core/ops/channel-created.js';
import { findChannel, findUser } from '../core/permissions.js';
import { sql, type Db } from '../store/database.js';
import { fittedName, freeUsername, unusablePasswordHash } from './accounts.js';

export interface ImportedTeam {
  readonly id: string;
  readonly defaultChannelId: string;
}

export const fittedChannelName = (name: string): string => fittedName(name, 64, 'channel').replace(/\./g, '-');
export const clipped = (value: string | undefined, max: number): string => (value ?? '').slice(0, max);
export const displayName = (value: string | undefined, fallback: string): string => clipped(value?.trim() || fallback, 64);

export interface NewTeam {
  id: string;
  name: string;
  displayName: string;
  defaultChannelId: string;
}

export function teamDrafts(db: Db, adminId: string, team: NewTeam): { team: ImportedTeam; ops: OpDraft[] } {
  const name = fittedChannelName(team.name);
  const existing = sql<[string, string, string], { id: string; default_channel_id: string }>(
    db,
    'SELECT id, default_channel_id FROM teams WHERE id = ? OR name = ? ORDER BY id = ? DESC LIMIT 1',
  ).get(team.id, name, team.id);
  if (existing) return { team: { id: existing.id, defaultChannelId: existing.default_channel_id }, ops: [] };
  return {
    team: { id: team.id, defaultChannelId: team.defaultChannelId },
    ops: [
      {
        type: 'team.created',
        entity: team.id,
        body: { name, displayName: displayName(team.displayName, name), defaultChannelId: team.defaultChannelId },
      },
      { type: 'team.member-set', entity: team.id, body: { userId: adminId, member: false } },
    ],
  };
}

export interface NewTeamChannel {
  id: string;
  teamId: string;
  name: string;
  displayName: string;
  private: boolean;
  header?: string;
  purpose?: string;
}

/** The channel's id here (an existing one of the same name in the team, or the derived one) and the ops that make it (archive it at the end: LateWriters). */
export function channelDrafts(db: Db, adminId: string, channel: NewTeamChannel): { id: string; ops: OpDraft[] } {
  const name = fittedChannelName(channel.name);
  const existing = sql<[string, string, string, string], { id: string }>(
    db,
    'SELECT id FROM channels WHERE id = ? OR (team_id = ? AND requested_name = ?) ORDER BY id = ? DESC LIMIT 1',
  ).get(channel.id, channel.teamId, name, channel.id);
  if (existing) return { id: existing.id, ops: [] };
  const ops: OpDraft[] = [
    {
      type: 'channel.created',
      entity: channel.id,
      body: {
        type: channel.private ? 'private' : 'public',
        teamId: channel.teamId,
        name,
        displayName: displayName(channel.displayName, name),
        header: clipped(channel.header, 1024),
        purpose: clipped(channel.purpose, 250),
        memberIds: [],
      },
    },
    { type: 'channel.member-set', entity: channel.id, body: { userId: adminId, member: false } },
  ];
  return { id: channel.id, ops };
}

export interface NewAccount {
  id: string;
  username: string;
  displayName: string;
  role: 'admin' | 'member' | 'guest';
}

/** The account's op when it is new here, with the username it gets (renamed when taken). */
export function accountDraft(db: Db, account: NewAccount): { op: OpDraft; username: string } | undefined {
  if (findUser(db, account.id)) return undefined;
  const username = freeUsername(db, account.username);
  return {
    username,
    op: {
      type: 'user.created',
      entity: account.id,
      body: {
        username,
        displayName: displayName(account.displayName, username),
        role: account.role,
        passwordHash: unusablePasswordHash(),
        inviteId: null,
      },
    },
  };
}

/** A direct (2 people) or group conversation, the same one Hail makes between those people; its creation when new here. */
export function conversationDraft(db: Db, memberIds: readonly string[]): { id: string; ops: OpDraft[] } {
  const type = memberIds.length === 2 ? 'direct' : 'group';
  const id = conversationId(type, memberIds);
  if (findChannel(db, id)) return { id, ops: [] };
  return {
    id,
    ops: [
      { type: 'channel.created', entity: id, body: { type, teamId: null, name: '', displayName: '', header: '', purpose: '', memberIds } },
    ],
  };
}

export const hasReaction = (db: Db, postId: string, userId: string, emoji: string): boolean =>
  sql<[string, string, string], { active: number }>(db, 'SELECT active FROM reactions WHERE post_id = ? AND user_id = ? AND emoji = ?').get(
    postId,
    userId,
    emoji,
  )?.active === 1;
