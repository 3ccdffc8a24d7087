/**
 * The sidebar's channels and conversations with their unread and mention counts, the channel
 * on screen, and the actions on channels (create, join, open a conversation, mark read).
 */
import { computed, signal } from '@preact/signals';
import { sameJson } from '../lib/same-json';
import { api } from '../net/api';
import type { Channel } from '../types';
import { putRow, replaceAll } from './db';
import { currentTeam, displayName } from './directory';
import { route } from './route';
import { me } from './session';

export const channels = signal<readonly Channel[]>([]);
/** The list is known (from the box, or from IndexedDB): a channel missing from it is not mine. */
export const channelsKnown = signal(false);
export const currentChannelId = computed(() => (route.value.name === 'channel' ? route.value.channelId : undefined));
export const currentChannel = computed(() => channels.value.find((channel) => channel.id === currentChannelId.value));

export const isConversation = (channel: Channel) => channel.type === 'direct' || channel.type === 'group';

/** A conversation is named by the people in it other than me. */
export function channelTitle(channel: Channel): string {
  if (!isConversation(channel)) return channel.displayName;
  const others = (channel.memberIds ?? []).filter((id) => id !== me.value?.id);
  return (others.length > 0 ? others : [me.value?.id ?? '']).map(displayName).join(', ');
}

/** My team channels by name, for `~name` links in posts: the current team's names win. */
let namesHeld: ReadonlyMap<string, string> = new Map();
export const channelIdsByName = computed(() => {
  const named = channels.value.filter((channel) => !isConversation(channel));
  const teamFirst = [
    ...named.filter((channel) => channel.teamId !== currentTeam.value?.id),
    ...named.filter((channel) => channel.teamId === currentTeam.value?.id),
  ];
  const byName = new Map(teamFirst.map((channel) => [channel.name, channel.id]));
  // Every post's markdown is rendered again for a new map: a change of unread counts keeps the one held.
  if (!sameJson([...namesHeld], [...byName])) namesHeld = byName;
  return namesHeld;
});

export const totalUnread = computed(() => channels.value.reduce((sum, channel) => sum + (channel.muted ? 0 : (channel.mentions ?? 0)), 0));

export function showChannels(list: readonly Channel[]): void {
  channels.value = list;
  channelsKnown.value = true;
}

export async function loadChannels(): Promise<void> {
  const { channels: list } = await api.get<{ channels: Channel[] }>('/channels');
  if (channelsKnown.value && sameJson(list, channels.value)) return;
  showChannels(list);
  await replaceAll('channels', list);
}

/** One channel's counts or settings changed (a post arrived, it was read): only its row is rewritten. */
export function patchChannel(channelId: string, change: (channel: Channel) => Partial<Channel>): void {
  const channel = channels.value.find((candidate) => candidate.id === channelId);
  if (!channel) return;
  const patched = { ...channel, ...change(channel) };
  channels.value = channels.value.map((other) => (other.id === channelId ? patched : other));
  void putRow('channels', patched);
}

export async function browseChannels(teamId: string): Promise<Channel[]> {
  const { channels: list } = await api.get<{ channels: Channel[] }>(`/teams/${teamId}/channels`);
  return list.filter((channel) => !channel.member && !channel.archived);
}

export async function joinChannel(channelId: string): Promise<void> {
  await api.post(`/channels/${channelId}/join`);
  await loadChannels();
}

export async function leaveChannel(channelId: string): Promise<void> {
  await api.post(`/channels/${channelId}/leave`);
  await loadChannels();
}

export async function createChannel(input: {
  id: string;
  teamId: string;
  type: 'public' | 'private';
  name: string;
  displayName: string;
  purpose: string;
}): Promise<Channel> {
  const { channel } = await api.post<{ channel: Channel }>('/channels', input);
  await loadChannels();
  return channel;
}

export async function openConversation(userIds: string[]): Promise<Channel> {
  const { channel } =
    userIds.length === 1
      ? await api.post<{ channel: Channel }>('/channels/direct', { userId: userIds[0] })
      : await api.post<{ channel: Channel }>('/channels/group', { userIds });
  await loadChannels();
  return channel;
}

/**
 * Channels read on screen since their read mark was last sent. A read mark is an op that
 * travels to every box of the fleet, so it is sent when the reader leaves the channel or the
 * window (sendReadMarks), not once per burst of posts read (core/ops/channel-viewed.ts).
 */
const unsentReads = new Set<string>();

/**
 * How far this browser read each channel: the newest post on screen, by the box's clock. The
 * box's mark settles later and may sit behind it for minutes (core/read-marks.ts), so reopening
 * a channel places its "new since you last read" line after what was read here.
 */
const readUpTo = new Map<string, number>();

export const lastReadAt = (channel: Channel): number | undefined =>
  readUpTo.has(channel.id) ? Math.max(channel.lastViewedAt ?? 0, readUpTo.get(channel.id)!) : channel.lastViewedAt;

/** The channel is on screen, down to the post made at `newestAt`: read here at once; the server hears of it later. */
export function markRead(channelId: string, newestAt?: number): void {
  if (newestAt !== undefined) readUpTo.set(channelId, Math.max(newestAt, readUpTo.get(channelId) ?? 0));
  const channel = channels.value.find((candidate) => candidate.id === channelId);
  if (channel && ((channel.unread ?? 0) > 0 || (channel.mentions ?? 0) > 0)) patchChannel(channelId, () => ({ unread: 0, mentions: 0 }));
  unsentReads.add(channelId);
}

/** Tells the server what was read: the reader left a channel, or the window lost focus or was hidden or closed. */
export function sendReadMarks(): void {
  // keepalive: the request outlives a page being closed.
  for (const channelId of unsentReads) void api.post(`/channels/${channelId}/read`, {}, { keepalive: true }).catch(() => undefined);
  unsentReads.clear();
}
