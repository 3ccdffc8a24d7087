/**
 * The outbox: every post is written here first (IndexedDB, with its attachments), then sent,
 * one at a time, in the order it was written.
 *
 * - The post's id is a UUIDv7 minted when it was written; every retry sends that same id, and
 *   the server answers a known id with the original post (200) and creates nothing. So a post
 *   whose answer was lost (the box died after committing) is never stored twice.
 * - A transient failure (no connection, 5xx, 429) keeps the entry pending and retries with a
 *   growing delay, at once when the box is back (the WebSocket reconnected, or the browser
 *   says it is online).
 * - A refusal (4xx: too long, channel archived, no longer a member) marks the entry failed;
 *   the person may retry or discard it. Later entries go on.
 */
import { signal } from '@preact/signals';
import { api, isTransient, ApiError } from '../net/api';
import type { Post, PostFile } from '../types';
import { uuidv7 } from '../lib/uuidv7';
import { deleteRow, putRow, readAll } from './db';
import type { Attachment, OutboxEntry } from './outbox-entry';
import { receivePost } from './posts';

export const outbox = signal<readonly OutboxEntry[]>([]);

const MAX_DELAY_MS = 30_000;
let attempts = 0;
let running = false;
let wakeUp: (() => void) | undefined;
let retryTimer: ReturnType<typeof setTimeout> | undefined;

function show(entries: readonly OutboxEntry[]): void {
  outbox.value = [...entries].sort((a, b) => a.queuedAt - b.queuedAt);
}

function replace(entry: OutboxEntry): void {
  show([...outbox.value.filter((other) => other.id !== entry.id), entry]);
  void putRow('outbox', entry);
}

export async function loadOutbox(): Promise<void> {
  show(await readAll('outbox'));
  flushOutbox();
}

export async function queuePost(input: { channelId: string; rootId: string | null; message: string; userId: string; attachments: Attachment[] }): Promise<void> {
  const now = Date.now();
  const entry: OutboxEntry = { ...input, id: uuidv7(now), queuedAt: now, state: 'pending' };
  show([...outbox.value, entry]);
  await putRow('outbox', entry);
  flushOutbox();
}

export function retryEntry(id: string): void {
  const entry = outbox.value.find((candidate) => candidate.id === id);
  if (!entry) return;
  replace({ ...entry, state: 'pending', failure: undefined });
  flushOutbox();
}

export function discardEntry(id: string): void {
  show(outbox.value.filter((entry) => entry.id !== id));
  void deleteRow('outbox', id);
}

/** Sends what is pending now; call it whenever the box may be reachable again. */
export function flushOutbox(): void {
  clearTimeout(retryTimer);
  if (wakeUp) {
    const wake = wakeUp;
    wakeUp = undefined;
    wake();
  }
  if (!running) void run();
}

addEventListener('online', flushOutbox);

async function run(): Promise<void> {
  running = true;
  try {
    for (;;) {
      const entry = outbox.value.find((candidate) => candidate.state === 'pending');
      if (!entry) return;
      try {
        await send(entry);
        attempts = 0;
      } catch (error) {
        if (!isTransient(error)) {
          replace({ ...entry, state: 'failed', failure: error instanceof ApiError ? error.code : 'unknown' });
          continue;
        }
        const wait = error instanceof ApiError && error.retryAfterSeconds ? error.retryAfterSeconds * 1000 : Math.min(MAX_DELAY_MS, 1000 * 2 ** attempts++);
        await new Promise<void>((resume) => {
          wakeUp = resume;
          retryTimer = setTimeout(resume, wait * (0.75 + Math.random() / 2));
        });
      }
    }
  } finally {
    running = false;
  }
}

async function upload(blob: Blob, name: string): Promise<{ hash: string; size: number; name: string; type: string }> {
  return api.upload(`/files?name=${encodeURIComponent(name)}`, blob);
}

async function send(entry: OutboxEntry): Promise<void> {
  const files: PostFile[] = [];
  for (const attachment of entry.attachments) {
    if (!attachment.uploaded) {
      const stored = await upload(attachment.blob, attachment.name);
      const thumbnail = attachment.thumbnail ? await upload(attachment.thumbnail, `thumbnail-${attachment.name.replace(/\.[^.]*$/, '')}.jpg`) : undefined;
      attachment.uploaded = {
        ...stored,
        ...(attachment.width && attachment.height ? { width: attachment.width, height: attachment.height } : {}),
        ...(thumbnail ? { thumbnailHash: thumbnail.hash } : {}),
      };
      // Uploads done are remembered: a retry after a cut does not send the bytes again.
      replace(entry);
    }
    files.push(attachment.uploaded);
  }
  const { post } = await api.post<{ post: Post }>(`/channels/${entry.channelId}/posts`, {
    id: entry.id,
    message: entry.message,
    ...(entry.rootId ? { rootId: entry.rootId } : {}),
    ...(files.length > 0 ? { files } : {}),
  });
  receivePost(post);
  show(outbox.value.filter((other) => other.id !== entry.id));
  await deleteRow('outbox', entry.id);
}
