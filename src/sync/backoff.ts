/**
 * When to dial a peer again after a failed or lost link: exponential backoff with jitter,
 * capped at a minute, for ever. No cliff after which a peer is given up (a server that marks an
 * unreachable peer down after a day would leave a boat waiting): a boat back from three weeks offshore is dialled within a minute of being reachable,
 * and at once when mDNS sees it. The jitter ("equal jitter": half fixed, half random) keeps
 * the boxes of a fleet that lost the shore together from all dialling it in the same instant.
 */
export const FIRST_RETRY_MS = 1000;
export const MAX_RETRY_MS = 60_000;

export class Backoff {
  private failures = 0;

  constructor(private readonly random: () => number = Math.random) {}

  /** The delay before the next attempt, after one more failure. */
  next(): number {
    const ceiling = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.min(this.failures, 16));
    this.failures++;
    return ceiling / 2 + (this.random() * ceiling) / 2;
  }

  reset(): void {
    this.failures = 0;
  }
}
