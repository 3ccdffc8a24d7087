/**
 * The filter controls written in the search box's own language (docs/API.md, GET /search), so a
 * control and the same filter typed ask the server the very same thing. A channel is named by
 * its id, which `in:` also takes: channel names repeat across teams, and conversations have no
 * name at all. Usernames and dates hold no spaces, so nothing needs quoting.
 */
export interface SearchFilters {
  readonly channelId: string;
  readonly userId: string;
  /** Days as YYYY-MM-DD (what a date input gives); like `after:`/`before:`, both exclude the day itself. */
  readonly after: string;
  readonly before: string;
  readonly hasFile: boolean;
}

export const NO_FILTERS: SearchFilters = { channelId: '', userId: '', after: '', before: '', hasFile: false };

export const filterCount = (filters: SearchFilters): number =>
  [filters.channelId, filters.userId, filters.after, filters.before, filters.hasFile].filter(Boolean).length;

export function composeQuery(text: string, filters: SearchFilters, usernameOf: (userId: string) => string | undefined): string {
  const username = filters.userId ? usernameOf(filters.userId) : undefined;
  return [
    text.trim(),
    filters.channelId && `in:${filters.channelId}`,
    username && `from:@${username}`,
    filters.after && `after:${filters.after}`,
    filters.before && `before:${filters.before}`,
    filters.hasFile && 'has:file',
  ]
    .filter(Boolean)
    .join(' ');
}
