/**
 * A channel's or team's name for addresses and mentions, from its display name:
 * `Harbour Watch` → `harbour-watch`, `Équipe Brême` → `equipe-breme` (accents are split off by
 * NFD and dropped, not turned into dashes).
 */
export const slug = (displayName: string, fallback: string): string =>
  displayName
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64) || fallback;
