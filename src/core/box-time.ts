/**
 * The box's idea of now (DESIGN.md "The box's idea of now"). A Pi has no battery-backed clock:
 * offline, it may boot believing it is 1970, or whatever time it last saved. Phones keep good
 * time, so the box listens to the clocks its logged-in users' clients report (the WebSocket
 * frame `{"type":"clock","now":ms}`) and, when its own clock is behind what they agree on by
 * more than a minute, uses theirs.
 *
 * Rules, so that no single client can move the box's time:
 * - Each user counts once, with their latest report (a person with three devices is one
 *   voice), and only the most recent MAX_REPORTERS users are kept.
 * - A report is kept as an offset from the process's monotonic clock, so it stays true when
 *   the system clock is later stepped (by NTP, GPS or an admin) and never goes stale.
 * - The estimate is the lower median of the users' reports, and it counts only when at least
 *   two users reported and more than half of them lie within a minute of it. One liar among
 *   two disagrees and there is no estimate; among three or more, the median stays within the
 *   honest reports.
 * - Reports before EARLIEST_MS (a phone that lost its own time) or absurdly far ahead are
 *   ignored outright.
 * - The estimate replaces the system clock only when it is ahead of it by more than
 *   SUSPECT_MS; a system clock that runs ahead is left alone, since the hybrid clock already
 *   keeps order and nothing is ever rejected for its time.
 *
 * The hybrid clock (hlc.ts) takes `now` as its wall clock, so once the estimate applies, new
 * ops carry real times and the persisted clock moves forward with them. Local records stamped
 * with the wrong time (session expiry) are moved by the `onJump` listener, or every session
 * made before the box learned the time would expire at that moment.
 */

/** Beyond a minute, the box's clock is more likely wrong than the phones' it has heard from. */
export const SUSPECT_MS = 60_000;

const MAX_REPORTERS = 32;
const EARLIEST_MS = Date.UTC(2025, 0, 1);
const LATEST_MS = Date.UTC(2200, 0, 1);

export interface ClockState {
  /** The operating system's clock. */
  readonly systemMs: number;
  /** The box's now: the system clock, or the clients' estimate when the system is behind it. */
  readonly nowMs: number;
  /** The hybrid clock's last value (persisted: it never goes backwards). */
  readonly hlcMs: number;
  /** What the clients agree the time is, or null when fewer than two agree. */
  readonly clientsMs: number | null;
  /** How many users' reports are held. */
  readonly reporters: number;
  readonly source: 'system' | 'clients';
  /** The system clock is more than a minute behind the hybrid clock or the clients. */
  readonly suspect: boolean;
}

/** Whether a system clock reading is more than SUSPECT_MS behind the best evidence of the time. */
export const clockSuspect = (systemMs: number, evidenceMs: number): boolean => evidenceMs - systemMs > SUSPECT_MS;

/** `now` moved forward by `deltaMs` at once; anything stamped at or before `beforeMs` was stamped by the wrong clock. */
export type JumpListener = (deltaMs: number, beforeMs: number) => void;

export class BoxTime {
  /** Per user: the client's time minus the monotonic clock at the moment it was heard. */
  private readonly offsets = new Map<string, number>();
  private estimateOffset: number | undefined;
  private readonly jumpListeners: JumpListener[] = [];

  constructor(
    private readonly systemClock: () => number = Date.now,
    private readonly monotonic: () => number = () => performance.now(),
  ) {}

  /** A client of `userId` says its clock reads `clientMs` now. */
  hear(userId: string, clientMs: number): void {
    if (!(clientMs >= EARLIEST_MS && clientMs <= LATEST_MS)) return;
    const before = this.now();
    this.offsets.delete(userId);
    this.offsets.set(userId, clientMs - this.monotonic());
    if (this.offsets.size > MAX_REPORTERS) this.offsets.delete(this.offsets.keys().next().value!);
    this.estimateOffset = agreedOffset([...this.offsets.values()]);
    const delta = this.now() - before;
    if (delta > SUSPECT_MS) for (const listener of this.jumpListeners) listener(delta, before);
  }

  onJump(listener: JumpListener): void {
    this.jumpListeners.push(listener);
  }

  now(): number {
    return pick(this.systemClock(), this.clientsMs());
  }

  state(hlcMs: number): ClockState {
    const systemMs = this.systemClock();
    const clientsMs = this.clientsMs();
    const nowMs = pick(systemMs, clientsMs);
    return {
      systemMs,
      nowMs,
      hlcMs,
      clientsMs: clientsMs ?? null,
      reporters: this.offsets.size,
      source: nowMs === systemMs ? 'system' : 'clients',
      suspect: clockSuspect(systemMs, Math.max(hlcMs, clientsMs ?? 0)),
    };
  }

  private clientsMs(): number | undefined {
    return this.estimateOffset === undefined ? undefined : Math.floor(this.monotonic() + this.estimateOffset);
  }
}

const pick = (systemMs: number, clientsMs: number | undefined): number =>
  clientsMs !== undefined && clockSuspect(systemMs, clientsMs) ? clientsMs : systemMs;

function agreedOffset(offsets: number[]): number | undefined {
  if (offsets.length < 2) return undefined;
  const sorted = offsets.sort((a, b) => a - b);
  const median = sorted[Math.floor((sorted.length - 1) / 2)]!;
  const agreeing = sorted.filter((offset) => Math.abs(offset - median) <= SUSPECT_MS).length;
  return agreeing * 2 > sorted.length ? median : undefined;
}
