/**
 * What the browser keeps across reloads and outages, in IndexedDB through idb: the user, teams,
 * channels and people seen last; every post viewed (so history reads with no connection);
 * drafts; the outbox; and small values such as the feed sequence the WebSocket resumes from.
 * IndexedDB works on plain HTTP too, unlike the service worker.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { Channel, Post, Team, User } from '../types';
import type { OutboxEntry } from './outbox-entry';

interface HailDb extends DBSchema {
  kv: { key: string; value: unknown };
  posts: { key: string; value: Post; indexes: { byChannel: [string, number] } };
  channels: { key: string; value: Channel };
  teams: { key: string; value: Team };
  users: { key: string; value: User };
  drafts: { key: string; value: { channelId: string; text: string } };
  outbox: { key: string; value: OutboxEntry };
}

let opened: Promise<IDBPDatabase<HailDb>> | undefined;

export const database = (): Promise<IDBPDatabase<HailDb>> =>
  (opened ??= openDB<HailDb>('hail', 2, {
    upgrade(db, oldVersion, _newVersion, transaction) {
      if (oldVersion < 1) {
        db.createObjectStore('kv');
        db.createObjectStore('posts', { keyPath: 'id' }).createIndex('byChannel', ['channelId', 'createdAt']);
        db.createObjectStore('channels', { keyPath: 'id' });
        db.createObjectStore('teams', { keyPath: 'id' });
        db.createObjectStore('users', { keyPath: 'id' });
        db.createObjectStore('drafts', { keyPath: 'channelId' });
        db.createObjectStore('outbox', { keyPath: 'id' });
      }
      // Version 1 indexed the outbox by time queued; the outbox is read whole, so nothing used it.
      if (oldVersion === 1) transaction.objectStore('outbox').deleteIndex('byQueued');
    },
  }));

export async function readValue<T>(key: string): Promise<T | undefined> {
  return (await (await database()).get('kv', key)) as T | undefined;
}

export async function writeValue(key: string, value: unknown): Promise<void> {
  await (await database()).put('kv', value, key);
}

export async function deleteValue(key: string): Promise<void> {
  await (await database()).delete('kv', key);
}

/** Replaces a whole store's contents (channels, teams, users: the server's list is the truth). */
export async function replaceAll<S extends 'channels' | 'teams' | 'users'>(store: S, rows: HailDb[S]['value'][]): Promise<void> {
  const tx = (await database()).transaction(store, 'readwrite');
  await tx.store.clear();
  await Promise.all([...rows.map((row) => tx.store.put(row)), tx.done]);
}

export async function readAll<S extends 'channels' | 'teams' | 'users' | 'drafts' | 'outbox'>(store: S): Promise<HailDb[S]['value'][]> {
  return (await database()).getAll(store);
}

/**
 * Posts waiting to be written, the latest version of each. They go in slices, a transaction
 * (and a task) each: every put clones its post on the main thread, and a page of 200 at once
 * held a phone's main thread for 150 ms on a channel's first open. One writer drains them in
 * order, so an older version of a post never lands after a newer one.
 */
const unsaved = new Map<string, Post>();
const SAVE_SLICE = 25;
let saving: Promise<void> | undefined;

export function savePosts(posts: readonly Post[]): Promise<void> {
  for (const post of posts) {
    unsaved.delete(post.id);
    unsaved.set(post.id, post);
  }
  return (saving ??= drainUnsaved());
}

async function drainUnsaved(): Promise<void> {
  try {
    const db = await database();
    while (unsaved.size > 0) {
      const slice: Post[] = [];
      for (const post of unsaved.values()) if (slice.push(post) === SAVE_SLICE) break;
      for (const post of slice) unsaved.delete(post.id);
      const tx = db.transaction('posts', 'readwrite');
      await Promise.all([...slice.map((post) => tx.store.put(post)), tx.done]);
    }
  } finally {
    saving = undefined;
  }
}

/** The newest `limit` posts of a channel kept here, oldest first. */
export async function channelPosts(channelId: string, limit: number): Promise<Post[]> {
  const range = IDBKeyRange.bound([channelId, -Infinity], [channelId, Infinity]);
  const posts: Post[] = [];
  let cursor = await (await database()).transaction('posts').store.index('byChannel').openCursor(range, 'prev');
  while (cursor && posts.length < limit) {
    posts.push(cursor.value);
    cursor = await cursor.continue();
  }
  return posts.reverse();
}

export async function putRow<S extends 'drafts' | 'outbox' | 'channels'>(store: S, row: HailDb[S]['value']): Promise<void> {
  await (await database()).put(store, row);
}

export async function deleteRow(store: 'drafts' | 'outbox', key: string): Promise<void> {
  await (await database()).delete(store, key);
}

/**
 * Keeps a phone's storage from growing forever: of each channel in `channelIds` the newest
 * `keep` posts stay and older ones go; channels not in it (left, removed, of another account)
 * go whole. Meant for a quiet moment: one transaction that holds back other writes of posts.
 */
export async function pruneHistory(channelIds: ReadonlySet<string>, keep: number): Promise<void> {
  const tx = (await database()).transaction('posts', 'readwrite');
  const index = tx.store.index('byChannel');
  const deleteOldest = async (range: IDBKeyRange, count: number) => {
    let cursor = await index.openKeyCursor(range);
    for (let deleted = 0; cursor && deleted < count; deleted++) {
      void tx.store.delete(cursor.primaryKey);
      cursor = await cursor.continue();
    }
  };
  // One step per channel: from a channel's first post, jump past its last.
  let channel = await index.openKeyCursor();
  while (channel) {
    const channelId = channel.key[0];
    const range = IDBKeyRange.bound([channelId, -Infinity], [channelId, Infinity]);
    const held = await index.count(range);
    const surplus = channelIds.has(channelId) ? held - keep : held;
    if (surplus > 0) await deleteOldest(range, surplus);
    channel = await channel.continue([channelId, Infinity]);
  }
  await tx.done;
}

/**
 * Logging out, or another person or another box's database, leaves nothing of this account in
 * the browser. `leaving`: the page is about to be replaced, and work still in flight (a history
 * fetch, a live event) must not write after the wipe: the connection closes in the same turn
 * the wipe is queued, so writes queued before it are wiped too and later ones fail.
 */
export async function clearEverything({ leaving }: { leaving: boolean }): Promise<void> {
  unsaved.clear();
  const db = await database();
  const stores = ['kv', 'posts', 'channels', 'teams', 'users', 'drafts', 'outbox'] as const;
  const tx = db.transaction(stores, 'readwrite');
  const wiped = Promise.all([...stores.map((name) => tx.objectStore(name).clear()), tx.done]);
  if (leaving) db.close();
  await wiped;
}
