/**
 * A channel's settings: its names, header and purpose, its members, archiving, and my own
 * notification level and mute for it. Who may do what follows the server's rules (docs/API.md,
 * src/core/ops/channel-*.ts) so the screen only offers what will be allowed; the server still
 * decides, and its refusal is shown.
 */
import { signal } from '@preact/signals';
import { api } from '../net/api';
import type { Channel, User } from '../types';
import { channels, isConversation, loadChannels, patchChannel } from './channels';
import { teams } from './directory';
import { me } from './session';

export type ChannelNotifyLevel = 'default' | 'all' | 'mentions' | 'none';

/** The members of the channels whose settings are open, kept current by member-set events. */
export const channelMembers = signal<ReadonlyMap<string, readonly User[]>>(new Map());

const isDefaultChannel = (channel: Channel) => teams.value.some((team) => team.defaultChannelId === channel.id);

/** What the signed-in person may do with this channel (the server's rules, mirrored). */
export function channelPermissions(channel: Channel) {
  const user = me.value;
  const admin = user?.role === 'admin';
  const teamChannel = !isConversation(channel);
  const contributor = teamChannel && user !== undefined && user.role !== 'guest';
  const manager = admin || (user !== undefined && channel.creatorId === user.id);
  const writable = !channel.archived;
  return {
    edit: contributor && writable,
    addMembers: contributor && writable,
    removeMembers: teamChannel && writable && !isDefaultChannel(channel) && (manager || (channel.type === 'private' && contributor)),
    archive: teamChannel && manager && !isDefaultChannel(channel),
    leave: teamChannel && !isDefaultChannel(channel),
  };
}

export async function loadMembers(channelId: string): Promise<void> {
  const { members } = await api.get<{ members: User[] }>(`/channels/${channelId}/members`);
  channelMembers.value = new Map(channelMembers.value).set(channelId, members);
}

/** Someone joined or left a channel: its member list, if on screen, is fetched again. */
export function membersChanged(channelId: string): void {
  if (channelMembers.value.has(channelId)) void loadMembers(channelId).catch(() => undefined);
}

export async function updateChannel(
  channelId: string,
  changes: { name?: string; displayName?: string; header: string; purpose: string },
): Promise<void> {
  await api.patch(`/channels/${channelId}`, changes);
  await loadChannels();
}

export async function addMember(channelId: string, userId: string): Promise<void> {
  await api.post(`/channels/${channelId}/members`, { userId });
  await loadMembers(channelId);
}

export async function removeMember(channelId: string, userId: string): Promise<void> {
  await api.delete(`/channels/${channelId}/members/${userId}`);
  await loadMembers(channelId);
}

export async function setArchived(channelId: string, archived: boolean): Promise<void> {
  await api.post(`/channels/${channelId}/${archived ? 'archive' : 'unarchive'}`);
  await loadChannels();
}

/** Shown at once (a switch that lags behind the finger looks broken), undone if refused. */
export async function setNotifications(channelId: string, level: ChannelNotifyLevel, muted: boolean): Promise<void> {
  const before = channels.value.find((channel) => channel.id === channelId);
  patchChannel(channelId, () => ({ notifyLevel: level, muted }));
  try {
    await api.put(`/channels/${channelId}/notifications`, { level, muted });
  } catch (error) {
    if (before) patchChannel(channelId, () => ({ notifyLevel: before.notifyLevel, muted: before.muted }));
    throw error;
  }
}
