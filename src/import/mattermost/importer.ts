/**
 * Mattermost's bulk export, replayed into Hail as ops through the one write path, so the
 * imported history syncs to the fleet like anything written here.
 *
 * Lines are read one at a time and turned into commands; a chunk of them (whole lines, up to
 * CHUNK_COMMANDS commands, or fewer when the kind of line changes, since posts look up the
 * memberships that user lines make) is committed in the same event-loop turn, so group commit
 * writes the chunk in one transaction (../import-batch.ts): a killed import leaves whole
 * chunks, never half of one. Every id is derived
 * from the source's names (../source-ids.ts) and everything already present is skipped before
 * a command is built, so a second run, or a later export, adds only what is new: a re-run
 * after an abort continues where the last one stopped.
 *
 * Who authors what: the importing administrator makes teams, channels and accounts (and then
 * leaves the teams and channels it made, which it was not in); each post, reply and reaction
 * is authored by its own imported account. Someone who wrote in a channel they later left is
 * added for the import and removed again at its end, as are accounts deactivated in the
 * source (deactivated only at the end, so their posts can still be written).
 */
import type { Command } from '../../core/commit.js';
import type { OpDraft } from '../../core/op.js';
import { findUser, findUserByName, isChannelMember } from '../../core/permissions.js';
import type { UserRow } from '../../store/read/users.js';
import { findPost } from '../../core/posts.js';
import type { Writer } from '../../core/writer.js';
import type { BlobStore } from '../../files/blob-store.js';
import { sql } from '../../store/database.js';
import {
  accountDraft,
  channelDrafts,
  conversationDraft,
  displayName,
  fittedChannelName,
  hasReaction,
  teamDrafts,
  type ImportedTeam,
} from '../drafts.js';
import { storeAttachment, type FileRef } from '../attachments.js';
import type { ExportFile } from '../export-file.js';
import { ImportBatch, StrictAbort, type ImportReport } from '../import-batch.js';
import { LateWriters } from '../late-writers.js';
import type { Progress } from '../progress.js';
import { sourceIds } from '../source-ids.js';
import { BadLine, parseLine } from './records.js';
import type {
  ChannelRecord,
  DirectChannelRecord,
  DirectPostRecord,
  MattermostLine,
  PostRecord,
  ReplyRecord,
  TeamRecord,
  UserRecord,
} from './records.js';

const CHUNK_COMMANDS = 2000;
const MAX_GROUP = 8;
/** Mattermost's default channel, which becomes the team's own default channel here. */
const DEFAULT_CHANNEL = 'town-square';

const ids = sourceIds('mattermost');
const channelKey = (team: string, channel: string) => `${team}\n${channel}`;

export class MattermostImport {
  private readonly ids = ids;
  private readonly teams = new Map<string, ImportedTeam>();
  private readonly channels = new Map<string, string>();
  private readonly users = new Map<string, string>();
  private readonly lateWriters: LateWriters;
  private readonly batch: ImportBatch;
  private pendingKind = '';
  private bytesRead = 0;
  private file: ExportFile | undefined;

  constructor(
    private readonly writer: Writer,
    private readonly blobs: BlobStore,
    private readonly admin: UserRow,
    private readonly options: { strict: boolean; now: () => number; progress?: Progress },
  ) {
    this.batch = new ImportBatch(writer, options.strict);
    this.lateWriters = new LateWriters(writer.db, admin.id);
  }

  get report(): ImportReport {
    return this.batch.report;
  }

  private get db() {
    return this.writer.db;
  }

  /** With `strict`, every line is checked before anything is written: a bad line then changes nothing. */
  async run(file: ExportFile): Promise<ImportReport> {
    this.file = file;
    if (this.options.strict) {
      for await (const { number, text } of file.lines()) {
        if (text.trim() === '') continue;
        try {
          parseLine(text);
        } catch (error) {
          if (error instanceof BadLine) throw new StrictAbort(`line ${number}: ${error.message}; nothing was imported (--strict)`);
          throw error;
        }
      }
    }
    for await (const { number, text } of file.lines()) {
      this.bytesRead += Buffer.byteLength(text) + 1;
      if (text.trim() === '') continue;
      try {
        const line = parseLine(text);
        if (line.type !== this.pendingKind || this.batch.size >= CHUNK_COMMANDS) await this.batch.flush();
        this.pendingKind = line.type;
        await this.take(number, line);
      } catch (error) {
        if (!(error instanceof BadLine)) throw error;
        this.batch.problem(number, error.message);
      }
      this.options.progress?.update(this.bytesRead, this.report.added);
    }
    await this.batch.flush();
    await this.lateWriters.finish(this.batch);
    this.options.progress?.finish(this.report.added);
    return this.report;
  }

  private async take(number: number, line: MattermostLine): Promise<void> {
    switch (line.type) {
      case 'version':
        return;
      case 'dropped':
        this.batch.drop(line.kind);
        return;
      case 'team':
        return this.team(number, line.team);
      case 'channel':
        return this.channel(number, line.channel);
      case 'user':
        return this.user(number, line.user);
      case 'post':
        return this.post(number, line.post);
      case 'direct_channel':
        return this.directChannel(number, line.direct_channel);
      case 'direct_post':
        return this.directPost(number, line.direct_post);
    }
  }

  private team(line: number, record: TeamRecord): void {
    const { team, ops } = teamDrafts(this.db, this.admin.id, {
      id: this.ids('team', record.name),
      name: record.name,
      displayName: displayName(record.display_name, record.name),
      defaultChannelId: this.ids('channel', record.name, DEFAULT_CHANNEL),
    });
    this.teams.set(record.name, team);
    this.batch.queue(line, { author: this.admin.id, ops });
  }

  private findTeam(name: string): ImportedTeam {
    const known = this.teams.get(name);
    if (known) return known;
    const row = sql<[string, string], { id: string; default_channel_id: string }>(
      this.db,
      'SELECT id, default_channel_id FROM teams WHERE id = ? OR name = ?',
    ).get(this.ids('team', name), fittedChannelName(name));
    if (!row) throw new BadLine(`no team "${name}" in the export or on this box`);
    const team = { id: row.id, defaultChannelId: row.default_channel_id };
    this.teams.set(name, team);
    return team;
  }

  private channel(line: number, record: ChannelRecord): void {
    const team = this.findTeam(record.team);
    const key = channelKey(record.team, record.name);
    if (record.name === DEFAULT_CHANNEL) {
      this.channels.set(key, team.defaultChannelId);
      return;
    }
    const { id, ops } = channelDrafts(this.db, this.admin.id, {
      id: this.ids('channel', record.team, record.name),
      teamId: team.id,
      name: record.name,
      displayName: displayName(record.display_name, record.name),
      private: record.type === 'P',
      header: record.header,
      purpose: record.purpose,
    });
    if ((record.deleted_at ?? 0) > 0) this.lateWriters.archiveAtEnd(id);
    this.channels.set(key, id);
    this.batch.queue(line, { author: this.admin.id, ops });
  }

  private findChannel(team: string, name: string): string {
    const known = this.channels.get(channelKey(team, name));
    if (known) return known;
    const teamRow = this.findTeam(team);
    const id = name === DEFAULT_CHANNEL ? teamRow.defaultChannelId : this.ids('channel', team, name);
    const row = sql<[string, string, string], { id: string }>(
      this.db,
      'SELECT id FROM channels WHERE id = ? OR (team_id = ? AND requested_name = ?) LIMIT 1',
    ).get(id, teamRow.id, fittedChannelName(name));
    if (!row) throw new BadLine(`no channel "${name}" in team "${team}" in the export or on this box`);
    this.channels.set(channelKey(team, name), row.id);
    return row.id;
  }

  private user(line: number, record: UserRecord): void {
    const id = this.ids('user', record.username);
    this.users.set(record.username, id);
    const ops: OpDraft[] = [];
    let account: { id: string; username: string } | undefined;
    const roles = (record.roles ?? '').split(/\s+/);
    const role = roles.includes('system_admin') ? 'admin' : roles.includes('system_guest') ? 'guest' : 'member';
    const fullName = [record.first_name, record.last_name].filter(Boolean).join(' ');
    const made = accountDraft(this.db, { id, username: record.username, displayName: record.nickname || fullName, role });
    if (made) {
      if (made.username !== record.username) this.report.renamed.push({ from: record.username, to: made.username });
      ops.push(made.op);
      account = { id, username: made.username };
    }
    for (const team of record.teams ?? []) {
      let teamId: string;
      try {
        teamId = this.findTeam(team.name).id;
      } catch (error) {
        this.batch.problem(line, `${record.username}: ${(error as Error).message}`);
        continue;
      }
      ops.push({ type: 'team.member-set', entity: teamId, body: { userId: id, member: true } });
      for (const channel of team.channels ?? []) {
        try {
          const channelId = this.findChannel(team.name, channel.name);
          this.lateWriters.declareMember(channelId, id);
          if (channel.name !== DEFAULT_CHANNEL)
            ops.push({ type: 'channel.member-set', entity: channelId, body: { userId: id, member: true } });
        } catch (error) {
          this.batch.problem(line, `${record.username}: ${(error as Error).message}`);
        }
      }
    }
    if ((record.delete_at ?? 0) > 0) this.lateWriters.deactivateAtEnd(id);
    this.batch.queue(line, { author: this.admin.id, ops }, account);
  }

  private findUser(username: string): string {
    const known = this.users.get(username);
    if (known) return known;
    const id = this.ids('user', username);
    const found = findUser(this.db, id) ?? findUserByName(this.db, username);
    if (!found) throw new BadLine(`no user "${username}" in the export or on this box`);
    this.users.set(username, found.id);
    return found.id;
  }

  private async post(line: number, record: PostRecord): Promise<void> {
    const channelId = this.findChannel(record.team, record.channel);
    await this.writePost(line, channelId, true, record);
  }

  private conversation(usernames: readonly string[]): { id: string; create: Command } | undefined {
    const members = [...new Set(usernames.map((username) => this.findUser(username)))];
    if (members.length < 2) {
      this.batch.drop('conversation with oneself');
      return undefined;
    }
    if (members.length > MAX_GROUP) throw new BadLine(`a group conversation of ${members.length} people; Hail's hold at most ${MAX_GROUP}`);
    const { id, ops } = conversationDraft(this.db, members);
    const create: Command = { author: members[0]!, ops };
    return { id, create };
  }

  private directChannel(line: number, record: DirectChannelRecord): void {
    const conversation = this.conversation(record.members);
    if (conversation) this.batch.queue(line, conversation.create);
  }

  private async directPost(line: number, record: DirectPostRecord): Promise<void> {
    const conversation = this.conversation(record.channel_members);
    if (!conversation) return;
    const author = this.findUser(record.user);
    if (!conversation.create.ops.length && !isChannelMember(this.db, conversation.id, author))
      throw new BadLine(`${record.user} is not in this conversation`);
    if (conversation.create.ops.length) {
      const memberIds = (conversation.create.ops[0]!.body as { memberIds: string[] }).memberIds;
      if (!memberIds.includes(author)) throw new BadLine(`${record.user} is not in this conversation`);
      this.batch.queue(line, conversation.create);
    }
    await this.writePost(line, conversation.id, false, record);
  }

  private async files(
    line: number,
    attachments: readonly { path: string }[] | undefined,
    authorId: string,
    file: ExportFile,
  ): Promise<FileRef[]> {
    const refs: FileRef[] = [];
    for (const { path } of attachments ?? []) {
      const bytes = await file.attachment(path);
      if (!bytes) {
        this.batch.problem(line, `attachment ${path} is not in the export; the post is imported without it`);
        continue;
      }
      refs.push(await storeAttachment(this.db, this.blobs, bytes, path, authorId, this.options.now()));
    }
    return refs;
  }

  /** A post with its replies and reactions; each author's part is its own command, committed in order. */
  private async writePost(line: number, channelId: string, teamChannel: boolean, record: PostRecord | DirectPostRecord): Promise<void> {
    const commands: Command[] = [];
    const authorId = this.findUser(record.user);
    const postId = this.ids.timed(record.create_at, 'post', channelId, record.user, record.create_at);
    const rootExists = findPost(this.db, postId) !== undefined;
    if (!rootExists) {
      const made = await this.postCommand(line, channelId, teamChannel, postId, null, record, authorId, commands);
      if (!made) return;
    }
    this.reactions(channelId, teamChannel, postId, record.reactions, commands);
    for (const reply of record.replies ?? []) {
      let replyAuthor: string;
      try {
        replyAuthor = this.findUser(reply.user);
      } catch (error) {
        this.batch.problem(line, `a reply: ${(error as Error).message}`);
        continue;
      }
      const replyId = this.ids.timed(reply.create_at, 'reply', postId, reply.user, reply.create_at);
      if (!findPost(this.db, replyId)) await this.postCommand(line, channelId, teamChannel, replyId, postId, reply, replyAuthor, commands);
      this.reactions(channelId, teamChannel, replyId, reply.reactions, commands);
    }
    for (const command of commands) this.batch.queue(line, command);
  }

  private async postCommand(
    line: number,
    channelId: string,
    teamChannel: boolean,
    postId: string,
    rootId: string | null,
    record: PostRecord | DirectPostRecord | ReplyRecord,
    authorId: string,
    commands: Command[],
  ): Promise<boolean> {
    const files = await this.files(line, record.attachments, authorId, this.file!);
    if (record.message.trim() === '' && files.length === 0) {
      this.batch.problem(line, `${rootId ? 'a reply' : 'a post'} with no text and no file is skipped`);
      return false;
    }
    if (teamChannel) this.lateWriters.letWrite(channelId, authorId, commands);
    const ops: OpDraft[] = [
      {
        type: 'post.created',
        entity: postId,
        body: { channelId, message: record.message, rootId, ...(files.length ? { files } : {}), sourceTime: record.create_at },
      },
    ];
    if ('is_pinned' in record && record.is_pinned) ops.push({ type: 'pin.set', entity: postId, body: { pinned: true } });
    commands.push({ author: authorId, ops });
    return true;
  }

  private reactions(
    channelId: string,
    teamChannel: boolean,
    postId: string,
    reactions: PostRecord['reactions'],
    commands: Command[],
  ): void {
    for (const reaction of reactions ?? []) {
      const userId = this.users.get(reaction.user) ?? this.findUser(reaction.user);
      if (hasReaction(this.db, postId, userId, reaction.emoji_name)) continue;
      if (teamChannel) this.lateWriters.letWrite(channelId, userId, commands);
      commands.push({
        author: userId,
        ops: [{ type: 'reaction.set', entity: postId, body: { emoji: reaction.emoji_name, active: true } }],
      });
    }
  }
}
