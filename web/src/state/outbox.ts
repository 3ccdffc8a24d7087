/**
 * The outbox: every post is written here first (IndexedDB, with its attachments), then sent,
 * one at a time, in the order it was written (its UUIDv7 id counts up).
 *
 * - The post's id is a UUIDv7 minted when it was written; every retry sends that same id, and
 *   the server answers a known id with the original post (200) and creates nothing. So a post
 *   whose answer was lost (the box died after committing) is never stored twice.
 * - A transient failure (no connection, 5xx, 429) keeps the entry pending and retries with a
 *   growing delay (lib/backoff.ts), at once when the box is back (the WebSocket reconnected,
 *   or the browser says it is online).
 * - A refusal (4xx: too long, channel archived, no longer a member) marks the entry failed;
 *   the person may retry or discard it. Later entries go on.
 * - 401 means the session ended, not that the post is wrong: the entry stays pending, hidden
 *   with the rest of the account's data, and goes out when the same person logs in again.
 * - IndexedDB is the truth, shared by every tab of this browser: only the tab holding the
 *   lease (outbox-lease.ts) sends, and each tab reads the outbox back before each round, so a
 *   post sent by another tab stops showing as pending here too. The post's own event from the
 *   WebSocket settles it at once (settleDelivered).
 */
import { signal } from '@preact/signals';
import { api, isTransient, ApiError } from '../net/api';
import type { Post, PostFile } from '../types';
import { retryDelay } from '../lib/backoff';
import { uuidv7 } from '../lib/uuidv7';
import { deleteRow, putRow, readAll } from './db';
import type { Attachment, OutboxEntry } from './outbox-entry';
import { holdLease, LEASE_MS, releaseLease } from './outbox-lease';
import { receivePost } from './posts';
import { signOut } from './session';

export const outbox = signal<readonly OutboxEntry[]>([]);

let failures = 0;
let running = false;
let wakeUp: (() => void) | undefined;
let retryTimer: ReturnType<typeof setTimeout> | undefined;

function show(entries: readonly OutboxEntry[]): void {
  outbox.value = [...entries].sort((a, b) => (a.id < b.id ? -1 : 1));
}

function replace(entry: OutboxEntry): void {
  show([...outbox.value.filter((other) => other.id !== entry.id), entry]);
  void putRow('outbox', entry);
}

export async function loadOutbox(): Promise<void> {
  show(await readAll('outbox'));
  flushOutbox();
}

export async function queuePost(input: {
  channelId: string;
  rootId: string | null;
  message: string;
  userId: string;
  attachments: Attachment[];
}): Promise<void> {
  const entry: OutboxEntry = { ...input, id: uuidv7(), queuedAt: Date.now(), state: 'pending' };
  // Stored before shown: a round reading the outbox back meanwhile must not lose it.
  await putRow('outbox', entry);
  show([...outbox.value, entry]);
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

/** The post is on the server (its event came, maybe sent by another tab): it waits no more. */
export function settleDelivered(id: string): void {
  if (outbox.value.some((entry) => entry.id === id)) discardEntry(id);
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
      show(await readAll('outbox'));
      const entry = outbox.value.find((candidate) => candidate.state === 'pending');
      if (!entry) {
        await releaseLease();
        return;
      }
      if (!(await holdLease())) {
        // Another tab sends; look again once its lease could have lapsed.
        await pause(LEASE_MS);
        continue;
      }
      try {
        await send(entry);
        failures = 0;
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) {
          // The session ended: the entry stays pending for when this person logs in again.
          await releaseLease();
          void signOut();
          return;
        }
        if (!isTransient(error)) {
          replace({ ...entry, state: 'failed', failure: error instanceof ApiError ? error.code : 'unknown' });
          continue;
        }
        await pause(retryDelay(++failures, Math.random(), error instanceof ApiError ? error.retryAfterSeconds : undefined));
      }
    }
  } finally {
    running = false;
  }
}

/** Waits `ms`, or less if flushOutbox is called meanwhile. */
function pause(ms: number): Promise<void> {
  return new Promise<void>((resume) => {
    wakeUp = resume;
    retryTimer = setTimeout(resume, ms);
  });
}

async function upload(blob: Blob, name: string): Promise<{ hash: string; size: number; name: string; type: string }> {
  return api.upload(`/files?name=${encodeURIComponent(name)}`, blob);
}

async function send(entry: OutboxEntry): Promise<void> {
  const files: PostFile[] = [];
  for (const attachment of entry.attachments) {
    if (!attachment.uploaded) {
      const stored = await upload(attachment.blob, attachment.name);
      const thumbnail = attachment.thumbnail
        ? await upload(attachment.thumbnail, `thumbnail-${attachment.name.replace(/\.[^.]*$/, '')}.jpg`)
        : undefined;
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
