/** Spends a token of `limiter` for `key`, or fails the request with 429 and Retry-After. */
import { tooManyRequests } from '../core/errors.js';
import type { RateLimiter } from './rate-limit.js';

export function throttle(limiter: RateLimiter, key: string): void {
  if (!limiter.take(key)) throw tooManyRequests(limiter.retryAfter(key));
}
