/**
 * Local commands a box's people make, drawn at random from what that box knows, through the
 * real `commit` with its real authorization: a command refused there (a guest creating a
 * channel, an archived channel, a name taken on this box) is simply refused, as the API would
 * answer it. Names come from small pools, so boxes that cannot see each other's creations make
 * clashing names; ids come from a seeded counter, so a seed replays.
 */
import type { Grant, OpDraft } from '../../../src/core/op.js';
import { ApiError } from '../../../src/core/errors.js';
import { conversationId } from '../../../src/core/ops/channel-created.js';
import { sql } from '../../../src/store/database.js';
import type { SimBox } from './box.js';
import type { Ledger } from './ledger.js';
import { chance, pick, type Random } from './random.js';

export const PASSWORD_HASH = `scrypt$16384$8$1$${'s'.repeat(22)}$${'k'.repeat(43)}`;
const PASSWORD_HASHES = ['a', 'b', 'c'].map((c) => `scrypt$16384$8$1$${c.repeat(22)}$${'k'.repeat(43)}`);
const USERNAMES = ['alice', 'bob', 'carol', 'dave'];
const CHANNEL_NAMES = ['weather', 'nav', 'galley', 'watch'];
const TEAM_NAMES = ['crew', 'deck', 'shore'];
const MESSAGES = ['fair winds', 'reef at 20 knots @alice', '@all anchor up', 'galley closed @bob.', 'ok', 'VHF 72 @channel'];
const EMOJI = ['sunny', 'anchor', 'ok'];

/** Ids unique across the fleet and the same for a replayed seed. */
export class Ids {
  private next = 0;
  constructor(private readonly seed: number) {}

  id(): string {
    const n = (this.next++).toString(16).padStart(12, '0');
    return `01900000-${(this.seed & 0xffff).toString(16).padStart(4, '0')}-7000-8000-${n}`;
  }
}

interface Row {
  id: string;
}
interface User extends Row {
  role: string;
  active: number;
}
interface Channel extends Row {
  team_id: string | null;
  name: string;
}
interface Post extends Row {
  channel_id: string;
  user_id: string;
  root_id: string | null;
}

export const userDraft = (id: string, username: string, role: string): OpDraft => ({
  type: 'user.created',
  entity: id,
  body: { username, displayName: username, role, passwordHash: PASSWORD_HASH, inviteId: null },
});

export const teamDraft = (ids: Ids, name: string): OpDraft => ({
  type: 'team.created',
  entity: ids.id(),
  body: { name, displayName: name, defaultChannelId: ids.id() },
});

export const channelDraft = (ids: Ids, teamId: string, name: string, type = 'public'): OpDraft => ({
  type: 'channel.created',
  entity: ids.id(),
  body: { type, teamId, name, displayName: name, header: '', purpose: '', memberIds: [] },
});

/** Commits a command; true when it was taken, false when the box's rules refused it. */
export async function attempt(box: SimBox, author: string, ops: OpDraft[], ledger: Ledger, grant?: Grant): Promise<boolean> {
  try {
    ledger.acknowledge(await box.committer.commit({ author, ops, ...(grant ? { grant } : {}) }));
    ledger.count('commands taken');
    return true;
  } catch (error) {
    if (!(error instanceof ApiError) || error.status >= 500) throw error;
    ledger.count('commands refused');
    return false;
  }
}

/** One random command on this box by one of its active users. */
export async function randomCommand(box: SimBox, random: Random, ids: Ids, ledger: Ledger): Promise<void> {
  const db = box.db;
  const users = sql<[], User>(db, 'SELECT id, role, active FROM users ORDER BY id').all();
  const active = users.filter((user) => user.active === 1);
  const admins = active.filter((user) => user.role === 'admin');
  const actor = chance(random, 0.3) && admins.length > 0 ? pick(random, admins)! : pick(random, active);
  if (!actor) return;
  const teams = sql<[], Row>(db, 'SELECT id FROM teams ORDER BY id').all();
  const channels = sql<[], Channel>(db, 'SELECT id, team_id, name FROM channels ORDER BY id').all();
  const teamChannels = channels.filter((channel) => channel.team_id !== null);
  const posts = sql<[], Post>(db, 'SELECT id, channel_id, user_id, root_id FROM posts WHERE deleted = 0 ORDER BY id').all();
  const mine = sql<[string], Row>(
    db,
    'SELECT channel_id AS id FROM channel_members WHERE user_id = ? AND active = 1 ORDER BY channel_id',
  ).all(actor.id);
  const team = pick(random, teams)?.id;
  const channel = pick(random, teamChannels);
  // Mostly the same few posts, so that boxes apart edit, delete and react to the same ones.
  const post = pick(random, chance(random, 0.6) ? posts.slice(0, 4) : posts);
  const user = pick(random, users);
  const drafts: OpDraft[] = [];
  const kind = Math.floor(random() * 27);
  switch (kind) {
    case 0:
    case 1:
    case 2: {
      const where = pick(random, mine)?.id ?? channel?.id;
      if (!where) return;
      const roots = posts.filter((p) => p.channel_id === where && p.root_id === null);
      const rootId = chance(random, 0.3) ? (pick(random, roots)?.id ?? null) : null;
      drafts.push({ type: 'post.created', entity: ids.id(), body: { channelId: where, message: pick(random, MESSAGES)!, rootId } });
      break;
    }
    case 3:
    case 20:
    case 21:
      if (!post) return;
      drafts.push({ type: 'post.edited', entity: post.id, body: { message: pick(random, MESSAGES)! } });
      // Edits are the author's own.
      await attempt(box, post.user_id, drafts, ledger);
      return;
    case 4:
      if (!post) return;
      drafts.push({ type: 'post.deleted', entity: post.id, body: {} });
      break;
    case 5:
      if (!post) return;
      drafts.push({ type: 'reaction.set', entity: post.id, body: { emoji: pick(random, EMOJI)!, active: chance(random, 0.7) } });
      break;
    case 6:
      if (!post) return;
      drafts.push({ type: 'pin.set', entity: post.id, body: { pinned: chance(random, 0.6) } });
      break;
    case 7:
      if (!team) return;
      drafts.push(channelDraft(ids, team, pick(random, CHANNEL_NAMES)!, chance(random, 0.7) ? 'public' : 'private'));
      break;
    case 8: {
      if (!channel) return;
      const body = { name: pick(random, CHANNEL_NAMES)!, displayName: 'Renamed', header: pick(random, ['', 'VHF 72'])!, purpose: '' };
      drafts.push({ type: 'channel.updated', entity: channel.id, body });
      break;
    }
    case 9:
      if (!channel) return;
      drafts.push({ type: 'channel.archived-set', entity: channel.id, body: { archived: chance(random, 0.4) } });
      break;
    case 10:
      drafts.push(teamDraft(ids, pick(random, TEAM_NAMES)!));
      break;
    case 11:
      if (!team) return;
      drafts.push({ type: 'team.updated', entity: team, body: { displayName: pick(random, ['Crew', 'Shore party', 'Watch'])! } });
      break;
    case 12: {
      if (!team || !user) return;
      const body = { userId: chance(random, 0.3) ? actor.id : user.id, member: chance(random, 0.7) };
      drafts.push({ type: 'team.member-set', entity: team, body });
      break;
    }
    case 13: {
      if (!channel || !user) return;
      const body = { userId: chance(random, 0.5) ? actor.id : user.id, member: chance(random, 0.7) };
      drafts.push({ type: 'channel.member-set', entity: channel.id, body });
      break;
    }
    case 14:
      if (!user) return;
      drafts.push({ type: 'user.role-set', entity: user.id, body: { role: pick(random, ['admin', 'member', 'guest'])! } });
      break;
    case 15:
      if (!user) return;
      drafts.push({ type: 'user.active-set', entity: user.id, body: { active: chance(random, 0.5) } });
      break;
    case 16: {
      const entity = chance(random, 0.7) ? actor.id : (user?.id ?? actor.id);
      drafts.push({ type: 'user.updated', entity, body: { displayName: pick(random, ['Skipper', 'Mate', 'Cook'])! } });
      break;
    }
    case 17:
      drafts.push(userDraft(ids.id(), pick(random, USERNAMES)!, pick(random, ['member', 'member', 'guest', 'admin'])!));
      break;
    case 18: {
      // A direct conversation, or a group one with a third person: the same id wherever it is opened.
      const third = chance(random, 0.3) ? pick(random, users) : undefined;
      const members = [...new Set([actor.id, user?.id ?? actor.id, third?.id ?? actor.id])].sort();
      if (members.length < 2) return;
      const type = members.length === 2 ? 'direct' : 'group';
      const body = { type, teamId: null, name: '', displayName: '', header: '', purpose: '', memberIds: members };
      drafts.push({ type: 'channel.created', entity: conversationId(type, members), body });
      break;
    }
    case 22: {
      const entity = chance(random, 0.6) ? actor.id : (user?.id ?? actor.id);
      drafts.push({ type: 'user.password-set', entity, body: { passwordHash: pick(random, PASSWORD_HASHES)! } });
      break;
    }
    case 23: {
      if (!team) return;
      const tokenHash = ids.id().replace(/-/g, '').padEnd(43, 'x');
      const role = pick(random, ['member', 'guest'])!;
      const body = { tokenHash, teamId: team, role, lifetimeHours: pick(random, [null, 1, 48])!, maxUses: pick(random, [null, 1])! };
      drafts.push({ type: 'invite.created', entity: ids.id(), body });
      break;
    }
    case 24: {
      // Someone joins with an invite this box knows (perhaps revoked or used up elsewhere meanwhile).
      const invite = pick(random, sql<[], Row & { role: string }>(db, 'SELECT id, role FROM invites ORDER BY id').all());
      if (!invite) return;
      const joiner = ids.id();
      const username = pick(random, USERNAMES)!;
      const body = { username, displayName: 'Joiner', role: invite.role, passwordHash: PASSWORD_HASH, inviteId: invite.id };
      await attempt(box, joiner, [{ type: 'user.created', entity: joiner, body }], ledger, { kind: 'invite', inviteId: invite.id });
      return;
    }
    case 25: {
      const invite = pick(random, sql<[], Row>(db, 'SELECT id FROM invites ORDER BY id').all());
      if (!invite) return;
      drafts.push({ type: 'invite.revoked', entity: invite.id, body: {} });
      break;
    }
    case 26: {
      const where = pick(random, mine)?.id;
      if (!where) return;
      const body = { level: pick(random, ['default', 'all', 'mentions', 'none'])!, muted: chance(random, 0.3) };
      drafts.push({ type: 'channel.notify-set', entity: where, body });
      break;
    }
    default: {
      const where = pick(random, mine)?.id;
      if (!where) return;
      drafts.push({ type: 'channel.viewed', entity: where, body: {} });
    }
  }
  await attempt(box, actor.id, drafts, ledger);
}
