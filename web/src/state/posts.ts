/**
 * Every post the app knows, per channel, oldest first (replies included: the channel view
 * shows roots, the thread panel a root with its replies). Loaded from IndexedDB at once, then
 * from the server; kept current by the WebSocket's events; every change is saved back, so what
 * was seen stays readable offline.
 */
import { signal } from '@preact/signals';
import { sameJson } from '../lib/same-json';
import { api } from '../net/api';
import type { Post } from '../types';
import { channelPosts, pruneHistory, savePosts } from './db';

/** How much of each joined channel is kept for reading offline (DESIGN: at least 500). */
const OFFLINE_HISTORY = 600;
/**
 * The most of one channel this browser keeps: scrolling far back stores what was read, and
 * the next start prunes each channel back to its newest HISTORY_CAP posts.
 */
const HISTORY_CAP = 2000;
const PAGE = 200;

export const postsByChannel = signal<ReadonlyMap<string, readonly Post[]>>(new Map());
/** Channels with older posts on the server than those loaded. */
export const olderAvailable = signal<ReadonlySet<string>>(new Set());
const channelOf = new Map<string, string>();

const before = (a: Post, b: Post) => a.createdAt < b.createdAt || (a.createdAt === b.createdAt && a.id < b.id);

export const findPost = (id: string): Post | undefined => {
  const channelId = channelOf.get(id);
  return channelId ? postsByChannel.value.get(channelId)?.find((post) => post.id === id) : undefined;
};

/**
 * The posts that differ from the version held. A reload (every connection of a first start,
 * every reconnection) returns mostly what is held already: those would only re-render the
 * list and be written to IndexedDB again.
 */
function changedPosts(posts: readonly Post[]): readonly Post[] {
  const held = new Map<string, Map<string, Post>>();
  return posts.filter((post) => {
    let byId = held.get(post.channelId);
    if (!byId) held.set(post.channelId, (byId = new Map((postsByChannel.value.get(post.channelId) ?? []).map((kept) => [kept.id, kept]))));
    const previous = byId.get(post.id);
    return previous === undefined || !sameJson(previous, post);
  });
}

/** Adds or replaces posts in memory (sorted, by id); `persist` also writes them to IndexedDB. */
export function upsertPosts(received: readonly Post[], persist = true): void {
  const posts = changedPosts(received);
  if (posts.length === 0) return;
  const next = new Map(postsByChannel.value);
  const groups = new Map<string, Post[]>();
  for (const post of posts) groups.set(post.channelId, [...(groups.get(post.channelId) ?? []), post]);
  for (const [channelId, group] of groups) {
    const incoming = new Map(group.map((post) => [post.id, post]));
    const kept = (next.get(channelId) ?? []).filter((post) => !incoming.has(post.id));
    next.set(
      channelId,
      mergeSorted(
        kept,
        [...incoming.values()].sort((a, b) => (before(a, b) ? -1 : 1)),
      ),
    );
    for (const post of group) channelOf.set(post.id, channelId);
  }
  postsByChannel.value = next;
  if (persist) void savePosts(posts);
}

function mergeSorted(a: readonly Post[], b: readonly Post[]): Post[] {
  // The usual case is one new post at the end: no re-sort of thousands.
  if (b.length === 0) return [...a];
  if (a.length === 0 || before(a[a.length - 1]!, b[0]!)) return [...a, ...b];
  const out: Post[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) out.push(before(a[i]!, b[j]!) ? a[i++]! : b[j++]!);
  return out.concat(a.slice(i), b.slice(j));
}

/** A deleted post as every reader sees it: the tombstone keeps its place, its content is gone. */
export const tombstone = (post: Post): Post => ({ ...post, message: '', deleted: true, files: [], reactions: [] });

export function updatePost(id: string, change: (post: Post) => Post): void {
  const post = findPost(id);
  if (post) upsertPosts([change(post)]);
}

function setOlder(channelId: string, more: boolean): void {
  const next = new Set(olderAvailable.value);
  if (more) next.add(channelId);
  else next.delete(channelId);
  olderAvailable.value = next;
}

interface Page {
  posts: Post[];
  hasMore: boolean;
}

/** Shows what IndexedDB holds for a channel, at once. */
export async function loadCachedChannel(channelId: string): Promise<void> {
  if (postsByChannel.value.has(channelId)) return;
  const cached = await channelPosts(channelId, OFFLINE_HISTORY);
  upsertPosts(cached, false);
  if (cached.length === 0) postsByChannel.value = new Map(postsByChannel.value).set(channelId, []);
}

/** Asked for by the channel view, the start's history prefetch and reloads, often at once: one request serves them. */
const newestLoading = new Map<string, Promise<void>>();

export function loadNewest(channelId: string): Promise<void> {
  let loading = newestLoading.get(channelId);
  if (!loading) {
    loading = fetchNewest(channelId).finally(() => newestLoading.delete(channelId));
    newestLoading.set(channelId, loading);
  }
  return loading;
}

/**
 * The newest page from the server. When it does not reach what is loaded (many posts came
 * while this browser was away and its resume was reset), the older posts are let go from
 * memory so the list never shows a silent gap; they stay in IndexedDB.
 *
 * Whether older posts are on the server follows from this page alone: a page that is not the
 * whole channel means there are, and what the cache holds from further back never tells
 * whether it reaches the channel's first post. Asking once too often costs one empty page.
 */
async function fetchNewest(channelId: string): Promise<void> {
  const page = await api.get<Page>(`/channels/${channelId}/posts?limit=${PAGE}`);
  const loaded = postsByChannel.value.get(channelId) ?? [];
  const connected = !page.hasMore || page.posts.length === 0 || loaded.some((post) => post.id === page.posts[0]!.id) || loaded.length === 0;
  if (!connected) postsByChannel.value = new Map(postsByChannel.value).set(channelId, []);
  upsertPosts(page.posts);
  setOlder(channelId, page.hasMore);
}

export async function loadOlder(channelId: string): Promise<void> {
  const oldest = postsByChannel.value.get(channelId)?.[0];
  if (!oldest) return;
  const page = await api.get<Page>(`/channels/${channelId}/posts?limit=${PAGE}&before=${oldest.id}`);
  upsertPosts(page.posts);
  setOlder(channelId, page.hasMore);
}

/** Fills a joined channel's offline history when this browser has none of it yet. */
export async function prefetchHistory(channelId: string): Promise<void> {
  await loadCachedChannel(channelId);
  if ((postsByChannel.value.get(channelId)?.length ?? 0) > 0) return;
  await loadNewest(channelId);
  for (let pages = 1; pages * PAGE < OFFLINE_HISTORY && olderAvailable.value.has(channelId); pages++) await loadOlder(channelId);
}

/** Run once the lists are fresh from the server: only joined channels keep history. */
export async function pruneOfflineHistory(joinedChannelIds: readonly string[]): Promise<void> {
  await pruneHistory(new Set(joinedChannelIds), HISTORY_CAP);
}

export async function loadThread(rootId: string): Promise<void> {
  const { posts } = await api.get<{ posts: Post[] }>(`/posts/${rootId}/thread`);
  upsertPosts(posts);
}

/**
 * A post that just came into being (from the WebSocket, or the answer to our own send):
 * whichever of the two arrives second changes nothing, so a root's reply count is bumped once.
 * Answers whether the post was new here.
 */
export function receivePost(post: Post): boolean {
  const known = channelOf.has(post.id);
  upsertPosts([post]);
  if (!known && post.rootId) updatePost(post.rootId, (root) => ({ ...root, replyCount: root.replyCount + 1 }));
  return !known;
}
