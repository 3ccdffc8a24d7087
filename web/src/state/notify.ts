/**
 * Telling people about new posts while the app is in the background: the Notification API
 * for mentions and direct messages (no push service exists offline, so only while the app is
 * open), and the unread count in the title and on the installed app's icon.
 */
import { effect } from '@preact/signals';
import { t } from '../i18n';
import { renderPlain } from '../lib/plain-text';
import type { Channel, Post } from '../types';
import { channelTitle, isConversation, totalUnread } from './channels';
import { displayName } from './directory';
import { notifyLevel } from './settings';

export const notificationsSupported = () => 'Notification' in window;

export async function askNotificationPermission(): Promise<NotificationPermission> {
  return notificationsSupported() ? Notification.requestPermission() : 'denied';
}

/** Whether a new post in this channel is worth telling me about, by my settings for it. */
export function notifies(channel: Channel, mentionsMe: boolean): boolean {
  const level = channel.muted ? 'none' : channel.notifyLevel && channel.notifyLevel !== 'default' ? channel.notifyLevel : notifyLevel.value;
  return level === 'all' || (level === 'mentions' && (mentionsMe || isConversation(channel)));
}

export function notifyPost(post: Post, channel: Channel, mentionsMe: boolean): void {
  if (!document.hidden || !notificationsSupported() || Notification.permission !== 'granted') return;
  if (!notifies(channel, mentionsMe)) return;
  const notification = new Notification(t('notify.title', { name: displayName(post.userId), channel: channelTitle(channel) }), {
    body: renderPlain(post.message).slice(0, 200),
    tag: post.channelId,
  });
  notification.onclick = () => {
    focus();
    location.assign(`/c/${post.channelId}`);
  };
}

effect(() => {
  const count = totalUnread.value;
  document.title = count > 0 ? `(${count}) Hail` : 'Hail';
  const badge = navigator as Navigator & { setAppBadge?: (count: number) => Promise<void>; clearAppBadge?: () => Promise<void> };
  void (count > 0 ? badge.setAppBadge?.(count) : badge.clearAppBadge?.())?.catch(() => undefined);
});
