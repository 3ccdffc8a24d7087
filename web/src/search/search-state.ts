/**
 * Searching posts on the box (GET /search): words, "phrases", prefix*, in:, from:@, before:/after:/on:, has:file.
 * The query, the filter controls and the results live here rather than in the screen, so going
 * to a result and coming Back shows the same search, with the result that was opened focused.
 */
import { signal } from '@preact/signals';
import { api } from '../net/api';
import type { Post } from '../types';
import { NO_FILTERS, type SearchFilters } from './search-query';

export interface SearchResult {
  post: Post;
  snippet: { text: string; marks: [number, number][] };
}

/** What is in the query box, and the filter controls beside it. */
export const typedQuery = signal('');
export const filters = signal<SearchFilters>(NO_FILTERS);
export const results = signal<SearchResult[] | undefined>(undefined);
export const hasMore = signal(false);
/** The result opened last, to focus again on the way back. */
export const openedPostId = signal<string | undefined>(undefined);
const PAGE = 20;
/** The query the results on screen answer: "more" continues it even if the controls changed since. */
let shownQuery = '';
// Controls search as they change: an older answer arriving late must not replace a newer one.
let latest = 0;

export async function search(query: string, more = false): Promise<void> {
  const asked = ++latest;
  const offset = more ? (results.value?.length ?? 0) : 0;
  const q = more ? shownQuery : query;
  const params = new URLSearchParams({ q, limit: String(PAGE), offset: String(offset), tzOffset: String(new Date().getTimezoneOffset()) });
  const page = await api.get<{ results: SearchResult[]; hasMore: boolean }>(`/search?${params}`);
  if (asked !== latest) return;
  shownQuery = q;
  results.value = more ? [...(results.value ?? []), ...page.results] : page.results;
  hasMore.value = page.hasMore;
  if (!more) openedPostId.value = undefined;
}
