/**
 * Hybrid logical clock, after Kulkarni et al., "Logical Physical Clocks and Consistent
 * Snapshots in Globally Distributed Databases" (2014).
 *
 * A timestamp is 48 bits of milliseconds and a 16-bit counter. `tick` stamps a local event:
 * it never returns a value lower than or equal to anything this clock has issued or observed,
 * whatever the wall clock does. `observe` folds in a timestamp received from elsewhere so that
 * later local events order after it, but never pulls this clock more than MAX_OBSERVED_LEAD_MS
 * ahead of the wall clock: one box set to 2099 must not drag every clock it reaches to 2099
 * (the op is still kept and applied, never refused for its time: only the pull is bounded).
 * `resume` folds in this clock's own persisted value (written by another process on the same
 * database), which is never bounded: the clock must not go backwards. The last value is persisted by the caller (in the same
 * transaction as the ops it stamped) and handed back at start, so the clock never goes
 * backwards across restarts, even when a Pi boots believing it is 1970.
 *
 * Nothing here throws because a clock is wrong: a counter that would overflow borrows the
 * next millisecond instead. Boats have wrong clocks; callers flag suspicious time, they do
 * not fail on it.
 *
 * Encoded as 16 lower-case hex digits (12 for milliseconds, 4 for the counter), so string
 * order is time order and SQLite compares them with plain BINARY collation.
 */
export interface Hlc {
  readonly ms: number;
  readonly counter: number;
}

const MAX_COUNTER = 0xffff;

/** An op stamped further ahead of the box's now than this is clock-suspect, and pulls the clock no further. */
export const MAX_OBSERVED_LEAD_MS = 10 * 60_000;

export function encodeHlc(hlc: Hlc): string {
  return hlc.ms.toString(16).padStart(12, '0') + hlc.counter.toString(16).padStart(4, '0');
}

export function decodeHlc(text: string): Hlc {
  return { ms: parseInt(text.slice(0, 12), 16), counter: parseInt(text.slice(12), 16) };
}

/** Milliseconds since the epoch that the timestamp stands for: what users see as "sent at". */
export const hlcMillis = (text: string): number => parseInt(text.slice(0, 12), 16);

export class HybridClock {
  private last: Hlc;

  constructor(
    private readonly wallClock: () => number,
    persisted: Hlc = { ms: 0, counter: 0 },
  ) {
    this.last = persisted;
  }

  get current(): Hlc {
    return this.last;
  }

  tick(): Hlc {
    return this.advance(this.last);
  }

  observe(remote: Hlc): Hlc {
    const ceiling = Math.max(this.last.ms, Math.floor(this.wallClock()) + MAX_OBSERVED_LEAD_MS);
    return this.resume(remote.ms > ceiling ? { ms: ceiling, counter: 0 } : remote);
  }

  resume(remote: Hlc): Hlc {
    const later = remote.ms > this.last.ms || (remote.ms === this.last.ms && remote.counter > this.last.counter) ? remote : this.last;
    return this.advance(later);
  }

  private advance(floor: Hlc): Hlc {
    const wall = Math.floor(this.wallClock());
    if (wall > floor.ms) this.last = { ms: wall, counter: 0 };
    else if (floor.counter < MAX_COUNTER) this.last = { ms: floor.ms, counter: floor.counter + 1 };
    else this.last = { ms: floor.ms + 1, counter: 0 };
    return this.last;
  }
}
