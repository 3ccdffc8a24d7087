/**
 * Two ways to hold back repeated attempts. `throttle` refuses past the limit (429): right for a
 * key the caller owns, such as its address. `slowAfterFailures` only delays: right for a key
 * anyone can name, such as a username, where refusing would let anyone keep its owner out
 * (ten wrong passwords for `bob` from any addresses, renewed every minute). The per-address
 * limit stops one guesser; the delay makes every wrong guess at one account slow to answer,
 * from however many addresses, while its owner's right password still gets straight in.
 */
import { tooManyRequests } from '../core/errors.js';
import type { RateLimiter } from './rate-limit.js';

/** How long a failure is held back once its key has used up its free failures. */
export const FAILURE_DELAY_MS = 2000;

/** Spends a token of `limiter` for `key`, or fails the request with 429 and Retry-After. */
export function throttle(limiter: RateLimiter, key: string): void {
  if (!limiter.take(key)) throw tooManyRequests(limiter.retryAfter(key));
}

/**
 * Runs `attempt`; when it fails (throws), spends a token of `limiter` for `key`, and once
 * there is none, answers the failure only after FAILURE_DELAY_MS. Successes cost nothing.
 */
export async function slowAfterFailures<T>(limiter: RateLimiter, key: string, attempt: () => Promise<T>): Promise<T> {
  try {
    return await attempt();
  } catch (error) {
    if (!limiter.take(key)) await new Promise((resolve) => setTimeout(resolve, FAILURE_DELAY_MS));
    throw error;
  }
}
