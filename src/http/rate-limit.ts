/**
 * Token buckets: `take` spends one token and says whether one was there; tokens come back at
 * `perSecond` up to `burst`. A RateLimiter keeps one bucket per key (an address, a username, a
 * user id); memory stays bounded: full buckets are forgotten when the map grows.
 *
 * Buckets fill by the monotonic clock: a step of the system clock (NTP correcting a fast clock
 * by an hour) must not leave every recent poster refused for that hour, nor refill every bucket.
 */
const monotonic = () => performance.now();

export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = monotonic,
  ) {
    this.tokens = burst;
    this.at = now();
  }

  take(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Seconds until a token is there again, for Retry-After. */
  retryAfter(): number {
    return Math.max(1, Math.ceil((1 - this.tokens) / this.perSecond));
  }

  /** Whether the bucket would be full now: nothing is lost by forgetting it. */
  full(): boolean {
    this.refill();
    return this.tokens >= this.burst;
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.perSecond);
    this.at = now;
  }
}

export class RateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = monotonic,
  ) {}

  take(key: string): boolean {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size > 10_000) this.forgetFull();
      bucket = new TokenBucket(this.perSecond, this.burst, this.now);
      this.buckets.set(key, bucket);
    }
    return bucket.take();
  }

  /** Seconds until `key` has a token again, for Retry-After. */
  retryAfter(key: string): number {
    return this.buckets.get(key)?.retryAfter() ?? 1;
  }

  private forgetFull(): void {
    for (const [key, bucket] of this.buckets) if (bucket.full()) this.buckets.delete(key);
  }
}
