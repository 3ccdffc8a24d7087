/** What was typed but not sent, per channel (and thread), kept across reloads in IndexedDB. */
import { signal } from '@preact/signals';
import { deleteRow, putRow, readAll } from './db';

export const drafts = signal<ReadonlyMap<string, string>>(new Map());
const SAVE_DELAY_MS = 300;
const timers = new Map<string, ReturnType<typeof setTimeout>>();

export const draftKey = (channelId: string, rootId: string | null) => (rootId ? `${channelId}/${rootId}` : channelId);

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
