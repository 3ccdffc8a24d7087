/** The thread panel: which root post's replies are open beside the channel. */
import { signal } from '@preact/signals';
import { loadThread } from './posts';
import { navigate } from './route';

export const openThreadId = signal<string | undefined>(undefined);
/** A thread asked for together with its channel (from a search result): opened once the channel is shown. */
let threadToOpen: { channelId: string; rootId: string } | undefined;

export function openThread(rootId: string): void {
  openThreadId.value = rootId;
  void loadThread(rootId).catch(() => undefined); // offline: what is cached is shown
}

export function closeThread(): void {
  openThreadId.value = undefined;
}

/** Goes to a channel with one of its threads open. */
export function openThreadInChannel(channelId: string, rootId: string): void {
  threadToOpen = { channelId, rootId };
  navigate(`/c/${channelId}`);
}

/** Another channel is on screen: the thread that was open belonged to the last one. */
export function channelShown(channelId: string | undefined): void {
  const wanted = threadToOpen?.channelId === channelId ? threadToOpen?.rootId : undefined;
  threadToOpen = undefined;
  if (wanted) openThread(wanted);
  else closeThread();
}
