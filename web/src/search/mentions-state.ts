/**
 * Recent posts that mention me (GET /mentions, newest first, paged by `before`). Kept here, not
 * in the screen, so coming Back from one shows the same list (older pages too) at once.
 */
import { signal } from '@preact/signals';
import { api } from '../net/api';
import type { Post } from '../types';

export const mentionPosts = signal<readonly Post[] | undefined>(undefined);
export const hasMoreMentions = signal(false);
/** The mention opened last, to focus again on the way back. */
export const openedMentionId = signal<string | undefined>(undefined);
const PAGE = 30;

/** The newest page; older pages already shown stay below it when it reaches back to them. */
export async function loadMentions(): Promise<void> {
  const page = await api.get<{ posts: Post[]; hasMore: boolean }>(`/mentions?limit=${PAGE}`);
  const shown = mentionPosts.value ?? [];
  const fresh = new Set(page.posts.map((post) => post.id));
  if (shown.some((post) => fresh.has(post.id))) {
    mentionPosts.value = [...page.posts, ...shown.filter((post) => !fresh.has(post.id) && post.createdAt <= page.posts.at(-1)!.createdAt)];
  } else {
    mentionPosts.value = page.posts;
    hasMoreMentions.value = page.hasMore;
  }
}

export async function loadOlderMentions(): Promise<void> {
  const shown = mentionPosts.value ?? [];
  const params = new URLSearchParams({ limit: String(PAGE), ...(shown.length > 0 ? { before: shown.at(-1)!.id } : {}) });
  const page = await api.get<{ posts: Post[]; hasMore: boolean }>(`/mentions?${params}`);
  mentionPosts.value = [...shown, ...page.posts];
  hasMoreMentions.value = page.hasMore;
}
