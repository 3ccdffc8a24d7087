/**
 * What the simulated fleet promised and what happened on the way: every op acknowledged
 * anywhere (a local commit answered to its author, or a foreign op a receiver's `receive`
 * took), which must end up on every box, and counts that show a run exercised what it claims.
 */
import type { FeedEntry } from '../../../src/core/commit.js';

export class Ledger {
  /** `origin/seq` of every op acknowledged anywhere, with its hash. */
  readonly acknowledged = new Map<string, string>();
  readonly counts: Record<string, number> = {};

  acknowledge(entries: readonly FeedEntry[]): void {
    for (const { op } of entries) this.acknowledged.set(`${op.origin}/${op.seq}`, op.hash);
  }

  count(what: string, n = 1): void {
    this.counts[what] = (this.counts[what] ?? 0) + n;
  }
}
