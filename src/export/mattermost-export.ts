/**
 * This box's teams, channels, accounts and history as a Mattermost bulk export (the format
 * `mmctl import process` reads, and `hail import mattermost` too), so a club can leave Hail with
 * everything it wrote. The JSONL is written line by line from the state tables (a team's
 * default channel is called `town-square`, Mattermost's name for it); files go under `data/`.
 * Deleted posts are left out. `team` limits the export to one team (conversations are then left
 * out: they belong to no team); `since` keeps the threads started at or after that time.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { encodeHlc, hlcMillis } from '../core/hlc.js';
import { sql, type Db } from '../store/database.js';

export interface ExportFilter {
  readonly teamName?: string;
  readonly since?: number;
}

interface PostRow {
  id: string;
  channel_id: string;
  username: string;
  message: string;
  created_hlc: string;
}

export interface ExportedFile {
  readonly hash: string;
  readonly path: string;
}

const DEFAULT_CHANNEL = 'town-square';

/** Writes the JSONL to `file`; returns the attachments to add under `data/`, by content hash and path. */
export async function writeMattermostJsonl(db: Db, file: string, filter: ExportFilter): Promise<{ files: ExportedFile[]; posts: number }> {
  const out = createWriteStream(file);
  const write = async (line: unknown) => {
    if (!out.write(`${JSON.stringify(line)}\n`)) await once(out, 'drain');
  };
  type TeamRow = { id: string; name: string; display_name: string; default_channel_id: string };
  const teams = sql<[], TeamRow>(db, 'SELECT id, name, display_name, default_channel_id FROM teams ORDER BY name')
    .all()
    .filter((team) => filter.teamName === undefined || team.name === filter.teamName);
  if (filter.teamName !== undefined && teams.length === 0) throw new Error(`there is no team "${filter.teamName}"`);
  const teamIds = new Set(teams.map((team) => team.id));
  const channelNames = new Map<string, { team: string; name: string }>();
  await write({ type: 'version', version: 1 });
  for (const team of teams) await write({ type: 'team', team: { name: team.name, display_name: team.display_name, type: 'O' } });
  for (const team of teams) {
    type ChannelRow = {
      id: string;
      name: string;
      display_name: string;
      type: string;
      header: string;
      purpose: string;
      archived: number;
      created_hlc: string;
    };
    const channels = sql<[string], ChannelRow>(
      db,
      `SELECT id, name, display_name, type, header, purpose, archived, created_hlc FROM channels
       WHERE team_id = ? AND type IN ('public', 'private') ORDER BY name`,
    ).all(team.id);
    for (const channel of channels) {
      const name = channel.id === team.default_channel_id ? DEFAULT_CHANNEL : channel.name;
      channelNames.set(channel.id, { team: team.name, name });
      await write({
        type: 'channel',
        channel: {
          team: team.name,
          name,
          display_name: channel.display_name,
          type: channel.type === 'private' ? 'P' : 'O',
          header: channel.header,
          purpose: channel.purpose,
          ...(channel.archived ? { deleted_at: hlcMillis(channel.created_hlc) } : {}),
        },
      });
    }
  }
  type UserRow = { id: string; username: string; display_name: string; role: string; active: number };
  const users = sql<[], UserRow>(db, 'SELECT id, username, display_name, role, active FROM users ORDER BY username').all();
  for (const user of users) {
    const memberships = sql<[string], { team_id: string; channel_id: string | null }>(
      db,
      `SELECT tm.team_id, cm.channel_id FROM team_members tm
       LEFT JOIN channel_members cm ON cm.user_id = tm.user_id AND cm.active = 1
         AND cm.channel_id IN (SELECT id FROM channels WHERE team_id = tm.team_id)
       WHERE tm.user_id = ? AND tm.active = 1`,
    ).all(user.id);
    const byTeam = new Map<string, { name: string }[]>();
    for (const { team_id, channel_id } of memberships) {
      if (!teamIds.has(team_id)) continue;
      const list = byTeam.get(team_id) ?? [];
      const channel = channel_id === null ? undefined : channelNames.get(channel_id);
      if (channel) list.push({ name: channel.name });
      byTeam.set(team_id, list);
    }
    if (filter.teamName !== undefined && byTeam.size === 0) continue;
    const roles = user.role === 'admin' ? 'system_admin system_user' : user.role === 'guest' ? 'system_guest' : 'system_user';
    await write({
      type: 'user',
      user: {
        username: user.username,
        nickname: user.display_name,
        roles,
        ...(user.active ? {} : { delete_at: 1 }),
        teams: [...byTeam].map(([teamId, channels]) => ({ name: teams.find((team) => team.id === teamId)!.name, channels })),
      },
    });
  }
  const files: ExportedFile[] = [];
  const since = filter.since === undefined ? '' : encodeHlc({ ms: filter.since, counter: 0 });
  const extras = (post: PostRow) => {
    const reactions = sql<[string], { username: string; emoji: string }>(
      db,
      'SELECT u.username, r.emoji FROM reactions r JOIN users u ON u.id = r.user_id WHERE r.post_id = ? AND r.active = 1 ORDER BY r.ver',
    ).all(post.id);
    const attached = sql<[string], { hash: string; name: string }>(
      db,
      'SELECT hash, name FROM post_files WHERE post_id = ? ORDER BY position',
    ).all(post.id);
    const attachments = attached.map(({ hash, name }) => {
      const path = `files/${hash}/${name}`;
      files.push({ hash, path });
      return { path };
    });
    const createAt = hlcMillis(post.created_hlc);
    return {
      message: post.message,
      create_at: createAt,
      ...(reactions.length
        ? { reactions: reactions.map(({ username, emoji }) => ({ user: username, emoji_name: emoji, create_at: createAt })) }
        : {}),
      ...(attachments.length ? { attachments } : {}),
    };
  };
  const replies = (post: PostRow) =>
    sql<[string], PostRow>(
      db,
      `SELECT p.id, p.channel_id, u.username, p.message, p.created_hlc FROM posts p JOIN users u ON u.id = p.user_id
       WHERE p.root_id = ? AND p.deleted = 0 ORDER BY p.created_hlc, p.id`,
    )
      .all(post.id)
      .map((reply) => ({ user: reply.username, ...extras(reply) }));
  let posts = 0;
  const pinned = (post: PostRow) =>
    sql<[string], { pinned: number }>(db, 'SELECT pinned FROM pins WHERE post_id = ?').get(post.id)?.pinned === 1;
  /** A root post's fields with its thread; counts the posts written. */
  const thread = (post: PostRow) => {
    const answers = replies(post);
    posts += 1 + answers.length;
    return {
      user: post.username,
      ...extras(post),
      ...(pinned(post) ? { is_pinned: true } : {}),
      ...(answers.length ? { replies: answers } : {}),
    };
  };
  // Pages, not one iterator: better-sqlite3 runs no other statement while an iterator is open.
  function* roots(channelId: string): Generator<PostRow> {
    let after = { hlc: since, id: '' };
    for (;;) {
      const page = sql<[string, string, string], PostRow>(
        db,
        `SELECT p.id, p.channel_id, u.username, p.message, p.created_hlc FROM posts p JOIN users u ON u.id = p.user_id
         WHERE p.channel_id = ? AND p.root_id IS NULL AND p.deleted = 0 AND (p.created_hlc, p.id) > (?, ?) ORDER BY p.created_hlc, p.id LIMIT 500`,
      ).all(channelId, after.hlc, after.id);
      yield* page;
      if (page.length < 500) return;
      after = { hlc: page[page.length - 1]!.created_hlc, id: page[page.length - 1]!.id };
    }
  }
  for (const [channelId, { team, name }] of channelNames) {
    for (const post of roots(channelId)) await write({ type: 'post', post: { team, channel: name, ...thread(post) } });
  }
  if (filter.teamName === undefined) {
    const conversations = sql<[], { id: string; header: string }>(
      db,
      "SELECT id, header FROM channels WHERE type IN ('direct', 'group') ORDER BY id",
    ).all();
    const members = new Map<string, string[]>();
    for (const conversation of conversations) {
      const usernames = sql<[string], { username: string }>(
        db,
        'SELECT u.username FROM channel_members m JOIN users u ON u.id = m.user_id WHERE m.channel_id = ? ORDER BY u.username',
      )
        .all(conversation.id)
        .map(({ username }) => username);
      members.set(conversation.id, usernames);
      await write({ type: 'direct_channel', direct_channel: { members: usernames, header: conversation.header } });
    }
    for (const [channelId, usernames] of members) {
      for (const post of roots(channelId))
        await write({ type: 'direct_post', direct_post: { channel_members: usernames, ...thread(post) } });
    }
  }
  await close(out);
  return { files, posts };
}

async function close(out: WriteStream): Promise<void> {
  out.end();
  await once(out, 'finish');
}
