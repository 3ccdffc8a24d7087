/** The thread panel: which root post's replies are open beside the channel. */
import { signal } from '@preact/signals';
import { loadThread } from './posts';

export const openThreadId = signal<string | undefined>(undefined);

export function openThread(rootId: string): void {
  openThreadId.value = rootId;
  void loadThread(rootId).catch(() => undefined); // offline: what is cached is shown
}

export function closeThread(): void {
  openThreadId.value = undefined;
}
