/**
 * Applies the WebSocket's events (one per op, docs/API.md) to the app's state. Posts and their
 * parts change in place; anything about channels (names, header, archiving, members, my
 * notification settings), teams or memberships reloads the lists, which are small, rather than
 * folding every kind of op twice (once on the server, once here).
 */
import type { Post, PostFile, ServerEvent, User } from '../types';
import { mentions } from '../lib/plain-text';
import { withReaction } from '../lib/reactions';
import { membersChanged } from './channel-settings';
import { channels, currentChannelId, isConversation, loadChannels, patchChannel } from './channels';
import { loadTeams, loadUsers, patchUser } from './directory';
import { notifies, notifyPost } from './notify';
import { alertPost } from './post-alert';
import { settleDelivered } from './outbox';
import { receivePost, tombstone, updatePost } from './posts';
import { navigate, route } from './route';
import { checkNameClashes } from './name-clashes';
import { me } from './session';
import { stoppedTyping } from './typing';

let reloadTimer: ReturnType<typeof setTimeout> | undefined;
function reloadLists(): void {
  clearTimeout(reloadTimer);
  reloadTimer = setTimeout(() => void Promise.all([loadChannels(), loadTeams()]).catch(() => undefined), 100);
}

export function applyEvent(event: ServerEvent): void {
  const data = event.data;
  switch (event.type) {
    case 'post.created':
      return postCreated(event);
    case 'post.edited':
      return updatePost(event.id, (post) => ({ ...post, message: String(data.message), editedAt: event.at }));
    case 'post.deleted':
      return updatePost(event.id, tombstone);
    case 'reaction.set':
      return updatePost(event.id, (post) => ({
        ...post,
        reactions: withReaction(post, String(data.emoji), event.actorId, data.active === true),
      }));
    case 'pin.set':
      return updatePost(event.id, (post) => ({ ...post, pinned: data.pinned === true }));
    case 'channel.viewed':
      // A settled mark (core/read-marks.ts) covers posts up to its position, which may be minutes
      // before the event: the box counts what is still unread after it.
      if (event.actorId === me.value?.id) void loadChannels().catch(() => undefined);
      return;
    case 'channel.member-set':
      membersChanged(event.id);
      // Removed from the channel on screen: it can no longer be read.
      if (data.userId === me.value?.id && data.member === false && 'channelId' in route.value && route.value.channelId === event.id)
        navigate('/', true);
      return reloadLists();
    case 'user.created':
      checkNameClashes();
      void loadUsers().catch(() => undefined);
      return;
    case 'user.role-set':
    case 'user.active-set':
      void loadUsers().catch(() => undefined);
      return;
    case 'user.updated':
      return patchUser(event.id, { displayName: String(data.displayName) });
    case 'user.picture-set':
      return patchUser(event.id, { picture: data.picture as User['picture'] });
    default:
      if (event.type === 'team.created' || event.type === 'channel.created') checkNameClashes();
      if (event.type.startsWith('channel.') || event.type.startsWith('team.')) reloadLists();
  }
}

function postCreated(event: ServerEvent): void {
  const data = event.data as { channelId: string; message: string; rootId: string | null; files?: PostFile[] };
  const post: Post = {
    id: event.id,
    channelId: data.channelId,
    userId: event.actorId,
    rootId: data.rootId,
    message: data.message,
    createdAt: event.at,
    editedAt: null,
    deleted: false,
    pinned: false,
    replyCount: 0,
    reactions: [],
    files: data.files ?? [],
  };
  stoppedTyping(post.channelId, post.rootId, post.userId);
  const isNew = receivePost(post);
  settleDelivered(post.id);
  const channel = channels.value.find((candidate) => candidate.id === post.channelId);
  const user = me.value;
  if (!isNew || !channel || !user || post.userId === user.id) return;
  const mentionsMe = mentions(post.message, user.username);
  const watching = currentChannelId.value === post.channelId && !document.hidden;
  if (!watching) {
    const direct = isConversation(channel);
    patchChannel(channel.id, (current) => ({
      unread: (current.unread ?? 0) + 1,
      mentions: (current.mentions ?? 0) + (mentionsMe || direct ? 1 : 0),
    }));
  }
  // In the app, only mentions and direct messages: an alert for every post elsewhere would never stop.
  if (!watching && !document.hidden && (mentionsMe || isConversation(channel)) && notifies(channel, mentionsMe)) alertPost(post, channel);
  notifyPost(post, channel, mentionsMe);
}
