/** What was typed but not sent, per channel (and thread), kept across reloads in IndexedDB. */
import { computed, signal } from '@preact/signals';
import { deleteRow, putRow, readAll } from './db';

export const drafts = signal<ReadonlyMap<string, string>>(new Map());
const SAVE_DELAY_MS = 300;
const timers = new Map<string, ReturnType<typeof setTimeout>>();

export const draftKey = (channelId: string, rootId: string | null) => (rootId ? `${channelId}/${rootId}` : channelId);

/**
 * The threads with a draft, as their root post ids between spaces: a string, so that whoever
 * reads it renders again only when a thread gains or loses its draft, not at every key typed.
 */
const threadsWithDrafts = computed(() => {
  const rootIds = [...drafts.value].filter(([key, text]) => key.includes('/') && text.trim() !== '').map(([key]) => key.split('/')[1]);
  return ` ${rootIds.sort().join(' ')} `;
});

export const hasThreadDraft = (rootId: string): boolean => threadsWithDrafts.value.includes(` ${rootId} `);

export async function loadDrafts(): Promise<void> {
  drafts.value = new Map((await readAll('drafts')).map((draft) => [draft.channelId, draft.text]));
}

export function setDraft(key: string, text: string): void {
  drafts.value = new Map(drafts.value).set(key, text);
  clearTimeout(timers.get(key));
  timers.set(
    key,
    setTimeout(() => void (text ? putRow('drafts', { channelId: key, text }) : deleteRow('drafts', key)), SAVE_DELAY_MS),
  );
}
