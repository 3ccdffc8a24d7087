/**
 * Two ways to hold back repeated attempts. `throttle` refuses past the limit (429): right for a
 * key the caller owns, such as its address. `slowAfterFailures` only delays: right for a key
 * anyone can name, such as a username, where refusing would let anyone keep its owner out
 * (ten wrong passwords for `bob` from any addresses, renewed every minute). The per-address
 * limit stops one guesser; the delay makes guessing one account from many addresses slow,
 * while its owner still gets in, a little later.
 */
import { tooManyRequests } from '../core/errors.js';
import type { RateLimiter } from './rate-limit.js';

/** How long an attempt waits once its key has used up its failures. */
export const FAILURE_DELAY_MS = 2000;

/** Spends a token of `limiter` for `key`, or fails the request with 429 and Retry-After. */
export function throttle(limiter: RateLimiter, key: string): void {
  if (!limiter.take(key)) throw tooManyRequests(limiter.retryAfter(key));
}

/**
 * Waits before `attempt` when `key` has no failures left in `limiter`, and spends one when
 * the attempt fails (throws). Attempts that succeed cost nothing.
 */
export async function slowAfterFailures<T>(limiter: RateLimiter, key: string, attempt: () => Promise<T>): Promise<T> {
  if (!limiter.has(key)) await new Promise((resolve) => setTimeout(resolve, FAILURE_DELAY_MS));
  try {
    return await attempt();
  } catch (error) {
    limiter.take(key);
    throw error;
  }
}
