/** A channel's or team's name for addresses and mentions, from its display name: `Harbour Watch` → `harbour-watch`. */
export const slug = (displayName: string, fallback: string): string =>
  displayName.toLowerCase().normalize('NFD').replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64) || fallback;
