/**
 * The posts I was already told about, by an alert or a system notification. The app saves its
 * feed position a moment after each event (state/live.ts), so a reload just after a post came
 * resumes from before it and replays it: told again, it would be news twice. Kept for the tab
 * in sessionStorage, which is written at once and outlives the reload.
 */
const KEY = 'hail.toldPosts';
const KEEP = 100;

function told(): string[] {
  try {
    const ids: unknown = JSON.parse(sessionStorage.getItem(KEY) ?? '[]');
    return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}

/** True the first time it is asked about a post, and remembers it: false ever after in this tab. */
export function firstTelling(postId: string): boolean {
  const ids = told();
  if (ids.includes(postId)) return false;
  try {
    sessionStorage.setItem(KEY, JSON.stringify([...ids.slice(1 - KEEP), postId]));
  } catch {
    // Storage refused (full or blocked): better told twice than never.
  }
  return true;
}
