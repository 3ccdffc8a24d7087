/**
 * A Slack workspace export (the zip of Slack's "Export data") replayed into one Hail team as
 * ops through the one write path. Users, channels and conversations come first (they are
 * small and read whole); then each conversation's day files, one at a time, oldest first, each
 * message a post authored by its own account, replies (`thread_ts`) in their thread, reactions
 * by each reacting account. Ids derive from Slack's own (a user's `U…` id, a channel's `C…`
 * id, a message's channel and `ts`), so re-importing the same or a later export adds only what
 * is new. Slack's exports hold no file bytes, only links that need a Slack login: each such
 * file is reported as missing, never faked. Join and leave notices, bot posts and other
 * system messages are counted and dropped.
 */
import { Value } from '@sinclair/typebox/value';
import { text } from 'node:stream/consumers';
import { posix } from 'node:path';
import { Type, type TSchema, type Static } from '@sinclair/typebox';
import type { Command } from '../../core/commit.js';
import type { OpDraft } from '../../core/op.js';
import { findUser } from '../../core/permissions.js';
import type { UserRow } from '../../store/read/users.js';
import { findPost } from '../../core/posts.js';
import type { Writer } from '../../core/writer.js';
import { accountDraft, channelDrafts, conversationDraft, hasReaction, teamDrafts, type ImportedTeam } from '../drafts.js';
import { ImportBatch, type ImportReport } from '../import-batch.js';
import { LateWriters } from '../late-writers.js';
import type { Progress } from '../progress.js';
import { sourceIds } from '../source-ids.js';
import type { ZipArchive } from '../zip-archive.js';
import { SlackChannel, SlackMessage, SlackUser, tsMillis } from './records.js';
import { slackText } from './text.js';

const CHUNK_COMMANDS = 2000;
const MAX_GROUP = 8;
/** Message subtypes that are someone's words; the rest (joins, leaves, topic changes, bots) are notices. */
const WORDS = new Set([undefined, 'thread_broadcast', 'file_share', 'me_message']);

interface Conversation {
  id: string;
  folder: string;
  team: boolean;
}

const ids = sourceIds('slack');

export class SlackImport {
  private readonly batch: ImportBatch;
  private readonly lateWriters: LateWriters;
  /** Slack user id to Hail account id and username. */
  private readonly users = new Map<string, { id: string; username: string }>();
  private team: ImportedTeam | undefined;

  constructor(
    private readonly writer: Writer,
    private readonly admin: UserRow,
    private readonly options: { strict: boolean; teamName: string; progress?: Progress },
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

  async run(zip: ZipArchive): Promise<ImportReport> {
    const users = await this.read(zip, 'users.json', Type.Array(SlackUser));
    const publics = await this.read(zip, 'channels.json', Type.Array(SlackChannel));
    const privates = await this.read(zip, 'groups.json', Type.Array(SlackChannel));
    const directs = await this.read(zip, 'dms.json', Type.Array(SlackChannel));
    const groups = await this.read(zip, 'mpims.json', Type.Array(SlackChannel));
    const general = publics.find((channel) => channel.is_general);
    const { team, ops } = teamDrafts(this.db, this.admin.id, {
      id: ids('team', this.options.teamName),
      name: this.options.teamName,
      displayName: this.options.teamName,
      defaultChannelId: ids('channel', general?.id ?? 'general'),
    });
    this.team = team;
    this.batch.queue(0, { author: this.admin.id, ops }, undefined, 'the team');
    await this.batch.flush();
    for (const user of users) this.user(user);
    await this.batch.flush();
    const conversations: Conversation[] = [];
    for (const channel of [...publics, ...privates]) {
      const made = this.channel(channel, privates.includes(channel));
      if (made) conversations.push(made);
    }
    for (const channel of [...directs, ...groups]) {
      const made = this.conversation(channel, directs.includes(channel));
      if (made) conversations.push(made);
    }
    await this.batch.flush();
    const total = conversations.reduce((sum, { folder }) => sum + this.days(zip, folder).length, 0);
    let done = 0;
    for (const conversation of conversations) {
      for (const day of this.days(zip, conversation.folder)) {
        await this.day(zip, conversation, day);
        if (this.batch.size >= CHUNK_COMMANDS) await this.batch.flush();
        this.options.progress?.update(++done / Math.max(total, 1), this.report.added);
      }
    }
    await this.batch.flush();
    await this.lateWriters.finish(this.batch);
    this.options.progress?.finish(this.report.added);
    return this.report;
  }

  private async read<S extends TSchema>(zip: ZipArchive, name: string, schema: S): Promise<Static<S>> {
    const entry = zip.entries.get(name);
    if (!entry) return [] as Static<S>;
    let value: unknown;
    try {
      value = JSON.parse(await text(await zip.stream(entry)));
    } catch {
      this.batch.problem(0, 'not valid JSON; nothing in it is imported', name);
      return [] as Static<S>;
    }
    if (Value.Check(schema, value)) return value;
    const error = Value.Errors(schema, value).First();
    this.batch.problem(0, `${error?.path ?? ''}: ${error?.message ?? 'not the format'}; nothing in it is imported`, name);
    return [] as Static<S>;
  }

  private days(zip: ZipArchive, folder: string): string[] {
    const prefix = `${folder}/`;
    return [...zip.entries.keys()]
      .filter((name) => name.startsWith(prefix) && /^\d{4}-\d{2}-\d{2}\.json$/.test(name.slice(prefix.length)))
      .sort();
  }

  private user(user: SlackUser): void {
    const id = ids('user', user.id);
    const role = user.is_admin || user.is_owner ? 'admin' : user.is_restricted ? 'guest' : 'member';
    const displayName = user.profile?.display_name || user.real_name || user.profile?.real_name || user.name;
    const made = accountDraft(this.db, { id, username: user.name, displayName, role });
    const ops: OpDraft[] = [];
    let account: { id: string; username: string } | undefined;
    if (made) {
      if (made.username !== user.name) this.report.renamed.push({ from: user.name, to: made.username });
      ops.push(made.op);
      account = { id, username: made.username };
    }
    this.users.set(user.id, { id, username: made?.username ?? findUser(this.db, id)?.username ?? user.name });
    if (!user.deleted || made) ops.push({ type: 'team.member-set', entity: this.team!.id, body: { userId: id, member: true } });
    if (user.deleted) this.lateWriters.deactivateAtEnd(id);
    this.batch.queue(0, { author: this.admin.id, ops }, account, `users.json ${user.name}`);
  }

  private channel(channel: SlackChannel, isPrivate: boolean): Conversation | undefined {
    if (!channel.name) {
      this.batch.problem(0, `channel ${channel.id} has no name`, isPrivate ? 'groups.json' : 'channels.json');
      return undefined;
    }
    const team = this.team!;
    let id = team.defaultChannelId;
    const ops: OpDraft[] = [];
    if (!channel.is_general) {
      const made = channelDrafts(this.db, this.admin.id, {
        id: ids('channel', channel.id),
        teamId: team.id,
        name: channel.name,
        displayName: channel.name,
        private: isPrivate,
        header: channel.topic?.value,
        purpose: channel.purpose?.value,
      });
      id = made.id;
      ops.push(...made.ops);
      if (channel.is_archived) this.lateWriters.archiveAtEnd(id);
    }
    for (const member of channel.members ?? []) {
      const user = this.users.get(member);
      if (!user) continue;
      this.lateWriters.declareMember(id, user.id);
      if (!channel.is_general) ops.push({ type: 'channel.member-set', entity: id, body: { userId: user.id, member: true } });
    }
    this.batch.queue(0, { author: this.admin.id, ops }, undefined, `${isPrivate ? 'groups' : 'channels'}.json ${channel.name}`);
    return { id, folder: channel.name, team: true };
  }

  private conversation(channel: SlackChannel, direct: boolean): Conversation | undefined {
    const members = [
      ...new Set((channel.members ?? []).map((member) => this.users.get(member)?.id).filter((id): id is string => id !== undefined)),
    ];
    const where = direct ? 'dms.json' : 'mpims.json';
    if (members.length < 2 || members.length > MAX_GROUP) {
      this.batch.drop(members.length < 2 ? 'conversation with oneself' : `group conversation of over ${MAX_GROUP} people`);
      return undefined;
    }
    const { id, ops } = conversationDraft(this.db, members);
    this.batch.queue(0, { author: members[0]!, ops }, undefined, where);
    return { id, folder: direct ? channel.id : (channel.name ?? channel.id), team: false };
  }

  private async day(zip: ZipArchive, conversation: Conversation, day: string): Promise<void> {
    const where = posix.join(conversation.folder, posix.basename(day));
    const messages = await this.read(zip, day, Type.Array(SlackMessage));
    messages.sort((a, b) => Number(a.ts) - Number(b.ts));
    messages.forEach((message, index) => this.message(conversation, message, `${where} #${index + 1}`));
  }

  private message(conversation: Conversation, message: SlackMessage, where: string): void {
    if (!WORDS.has(message.subtype) || !message.user) {
      this.batch.drop(`notice (${message.subtype ?? 'no author'})`);
      return;
    }
    const author = this.users.get(message.user);
    if (!author) {
      this.batch.problem(0, `no user ${message.user} in users.json`, where);
      return;
    }
    const commands: Command[] = [];
    const postId = ids.timed(tsMillis(message.ts), 'post', conversation.id, message.ts);
    const threaded = message.thread_ts !== undefined && message.thread_ts !== message.ts;
    const rootId = threaded ? ids.timed(tsMillis(message.thread_ts!), 'post', conversation.id, message.thread_ts!) : null;
    if (!findPost(this.db, postId)) {
      for (const file of message.files ?? []) {
        this.batch.problem(
          0,
          `file ${file.name ?? file.title ?? file.id ?? ''} is not in the export (Slack exports only link to files)`,
          where,
        );
      }
      const body = slackText(message.text ?? '', (id) => this.users.get(id)?.username);
      if (body.trim() === '') {
        this.batch.problem(0, 'a message with no text (and no file in the export) is skipped', where);
        return;
      }
      if (conversation.team) this.lateWriters.letWrite(conversation.id, author.id, commands);
      const post = { channelId: conversation.id, message: body, rootId, sourceTime: tsMillis(message.ts) };
      commands.push({ author: author.id, ops: [{ type: 'post.created', entity: postId, body: post }] });
    }
    for (const reaction of message.reactions ?? []) {
      const emoji = reaction.name.replace(/::skin-tone-\d$/, '');
      for (const userId of reaction.users) {
        const user = this.users.get(userId);
        if (!user) continue;
        if (hasReaction(this.db, postId, user.id, emoji)) continue;
        if (conversation.team) this.lateWriters.letWrite(conversation.id, user.id, commands);
        commands.push({ author: user.id, ops: [{ type: 'reaction.set', entity: postId, body: { emoji, active: true } }] });
      }
    }
    for (const command of commands) this.batch.queue(0, command, undefined, where);
  }
}
