/**
 * How long the outbox waits before sending a post again after a transient failure (no
 * connection, 5xx): one second, doubling with each failure in a row (1, 2, 4, 8, 16 s), capped
 * at 30 s so a box that is back is found within half a minute even if nothing else wakes the
 * outbox. Each wait is spread by up to 25 % either way (never past the cap) so phones that lost the box together do not all knock
 * in the same instant when it returns. A Retry-After from the server (429, 503) is its own
 * measure of its load: it is obeyed, never shortened, and only spread upwards.
 *
 * Pure: the caller passes the random draw in [0, 1), so the delay can be checked exactly.
 */
export const FIRST_DELAY_MS = 1000;
export const MAX_DELAY_MS = 30_000;
const JITTER = 0.25;

/** The wait after `failures` failures in a row (1 for the first). */
export function retryDelay(failures: number, random: number, retryAfterSeconds?: number): number {
  if (retryAfterSeconds !== undefined && retryAfterSeconds > 0) return retryAfterSeconds * 1000 * (1 + JITTER * random);
  const base = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.max(0, failures - 1));
  return Math.min(MAX_DELAY_MS, base * (1 - JITTER + 2 * JITTER * random));
}
