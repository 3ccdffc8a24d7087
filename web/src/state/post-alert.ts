/**
 * The in-app alert for a post that mentions me or is a direct message, while I am looking at
 * another channel (the system notification, state/notify.ts, is for when the app is hidden).
 * One at a time: a newer post replaces the alert, which goes by itself after a while.
 */
import { signal } from '@preact/signals';
import { renderPlain } from '../lib/plain-text';
import type { Channel, Post } from '../types';
import { channelTitle } from './channels';
import { displayName } from './directory';

export interface PostAlert {
  readonly channelId: string;
  readonly author: string;
  readonly channel: string;
  readonly text: string;
}

export const postAlert = signal<PostAlert | undefined>(undefined);
let timer: ReturnType<typeof setTimeout> | undefined;

export function alertPost(post: Post, channel: Channel): void {
  postAlert.value = {
    channelId: channel.id,
    author: displayName(post.userId),
    channel: channelTitle(channel),
    text: renderPlain(post.message).slice(0, 140),
  };
  clearTimeout(timer);
  timer = setTimeout(dismissPostAlert, 10_000);
}

export function dismissPostAlert(): void {
  clearTimeout(timer);
  postAlert.value = undefined;
}
