/** Searching posts on the box (GET /search): words, "phrases", prefix*, in:, from:@, before:/after:/on:, has:file. */
import { signal } from '@preact/signals';
import { api } from '../net/api';
import type { Post } from '../types';

export interface SearchResult {
  post: Post;
  snippet: { text: string; marks: [number, number][] };
}

export const results = signal<SearchResult[] | undefined>(undefined);
export const hasMore = signal(false);
const PAGE = 20;

export async function search(query: string, more = false): Promise<void> {
  const offset = more ? (results.value?.length ?? 0) : 0;
  const params = new URLSearchParams({ q: query, limit: String(PAGE), offset: String(offset), tzOffset: String(new Date().getTimezoneOffset()) });
  const page = await api.get<{ results: SearchResult[]; hasMore: boolean }>(`/search?${params}`);
  results.value = more ? [...(results.value ?? []), ...page.results] : page.results;
  hasMore.value = page.hasMore;
}
