/**
 * The box's idea of now (docs/DESIGN.md "The box's idea of now"). A Pi has no battery-backed clock:
 * offline, it may boot believing it is 1970, or whatever time it last saved. Phones keep good
 * time, so the box listens to the clocks its logged-in users' clients report (the WebSocket
 * frame `{"type":"clock","now":ms}`) and, when its own clock is clearly wrong, uses theirs.
 *
 * The clients are the weakest evidence the box trusts, and any account can lie, so:
 * - They are heard only while the system clock is clearly wrong: behind the date this software
 *   was built, or behind the newest time the box holds (its hybrid clock, which is at or past
 *   every op it holds) by more than the lead an op may legitimately have (hlc.ts,
 *   MAX_OBSERVED_LEAD_MS) plus a minute. A plausible system clock is never pulled forward.
 * - Each user counts once, with their latest report (a person with three devices is one
 *   voice), and only the most recent MAX_REPORTERS users are kept.
 * - The estimate is the lower median of the users' reports, and it counts only when at least
 *   MIN_REPORTERS users reported and more than half of them lie within a minute of it. Two
 *   accounts (a member and a guest) cannot move the box; among three or more, a liar's report
 *   does not become the median while most reports are honest.
 * - The clients' time is taken never below the build date, and at most MAX_CLIENT_LEAD_MS
 *   ahead of the later of the system clock and the build date:
 *   even accounts that agree on 2199 move the box by a bounded step. (A hybrid clock already
 *   at 2199, from a box poisoned before this rule, does not count as evidence past that bound:
 *   otherwise it would make every system clock look wrong.)
 * - Reports are kept as offsets from the process's monotonic clock, so they stay true when the
 *   system clock is later stepped (by NTP, GPS or an admin) and never go stale.
 *
 * - A system clock behind the build date is certainly wrong, and the build date is the least the
 *   time can be: with no other evidence, now is the build date, so a box booted at 1970 stamps
 *   its ops after what its own software knows to exist, not forty years before.
 * - Paired boxes (sync, src/sync/) report their clocks in their HELLO. They are pinned by key
 *   and run by the fleet's administrators, so while this box's clock is clearly wrong the
 *   median of their reports is taken before the clients', under the same bound: a boat that
 *   boots at 1970 and reaches the shore orders its new ops after everything it received.
 *
 * Durations (rate limits, "how long since") never come from here: they use the monotonic
 * clock, which no step of the system clock moves. What is stamped with wall time and kept
 * (session expiry) is moved by the `onJump` listeners whenever `now` steps forward by more than
 * a minute, whether the clients' time was taken or the system clock itself was corrected, so
 * a login made while the clock was wrong survives the correction.
 */
import { MAX_OBSERVED_LEAD_MS } from './hlc.js';

/** Beyond a minute, a step of the clock is a correction rather than drift. */
export const SUSPECT_MS = 60_000;
/** How far behind the box's evidence the system clock must be before clients are heard. */
export const CLEARLY_BEHIND_MS = MAX_OBSERVED_LEAD_MS + SUSPECT_MS;
/** Distinct users who must agree before their time is taken. */
export const MIN_REPORTERS = 3;
/**
 * The largest correction clients can make past the system clock or the build date: a boat
 * laid up for a winter and booted offline without a clock is set right in one step; accounts
 * that agree on 2199 are not.
 */
export const MAX_CLIENT_LEAD_MS = 366 * 24 * 3600_000;

const MAX_REPORTERS = 32;
const EARLIEST_MS = Date.UTC(2025, 0, 1);
const LATEST_MS = Date.UTC(2200, 0, 1);

export interface ClockState {
  /** The operating system's clock. */
  readonly systemMs: number;
  /** The box's now: the system clock, or the clients' estimate when the system is clearly wrong. */
  readonly nowMs: number;
  /** The hybrid clock's last value (persisted: it never goes backwards). */
  readonly hlcMs: number;
  /** What the clients agree the time is, or null until MIN_REPORTERS users agree. */
  readonly clientsMs: number | null;
  /** How many users' reports are held. */
  readonly reporters: number;
  readonly source: 'system' | 'build' | 'peers' | 'clients';
  /** The system clock is clearly wrong: behind the build date or the box's newest time. */
  readonly suspect: boolean;
}

/** Whether a system clock reading is more than SUSPECT_MS behind the best evidence of the time. */
export const clockSuspect = (systemMs: number, evidenceMs: number): boolean => evidenceMs - systemMs > SUSPECT_MS;

/** `now` moved forward by `deltaMs` at once; anything stamped at or before `beforeMs` was stamped by the wrong clock. */
export type JumpListener = (deltaMs: number, beforeMs: number) => void;

export interface BoxTimeSources {
  readonly systemClock?: () => number;
  readonly monotonic?: () => number;
  /** When this software was built: a system clock behind it is clearly wrong. */
  readonly builtAtMs?: number;
  /** The newest time the box holds (its hybrid clock). */
  readonly newestMs?: () => number;
}

export class BoxTime {
  /** Per user: the client's time minus the monotonic clock at the moment it was heard. */
  private readonly offsets = new Map<string, number>();
  /** Per paired box (node id): the same, from its HELLO. */
  private readonly peerOffsets = new Map<string, number>();
  private estimateOffset: number | undefined;
  private readonly jumpListeners: JumpListener[] = [];
  /** `now` minus the monotonic clock when `now` was last read, to notice steps. */
  private lastOffset: number | undefined;
  private readonly systemClock: () => number;
  private readonly monotonic: () => number;
  private readonly builtAtMs: number;
  private readonly newestMs: () => number;

  constructor(sources: BoxTimeSources = {}) {
    this.systemClock = sources.systemClock ?? Date.now;
    this.monotonic = sources.monotonic ?? (() => performance.now());
    this.builtAtMs = sources.builtAtMs ?? 0;
    this.newestMs = sources.newestMs ?? (() => 0);
  }

  /** A client of `userId` says its clock reads `clientMs` now. */
  hear(userId: string, clientMs: number): void {
    if (!(clientMs >= EARLIEST_MS && clientMs <= LATEST_MS)) return;
    this.offsets.delete(userId);
    this.offsets.set(userId, clientMs - this.monotonic());
    if (this.offsets.size > MAX_REPORTERS) this.offsets.delete(this.offsets.keys().next().value!);
    this.estimateOffset = agreedOffset([...this.offsets.values()]);
    this.now(); // a jump this report caused is announced now, not at the next reader
  }

  /** A paired box `nodeId` says its clock reads `peerMs` now (its sync HELLO). */
  hearPeer(nodeId: string, peerMs: number): void {
    if (!(peerMs >= EARLIEST_MS && peerMs <= LATEST_MS)) return;
    this.peerOffsets.delete(nodeId);
    this.peerOffsets.set(nodeId, peerMs - this.monotonic());
    if (this.peerOffsets.size > MAX_REPORTERS) this.peerOffsets.delete(this.peerOffsets.keys().next().value!);
    this.now();
  }

  onJump(listener: JumpListener): void {
    this.jumpListeners.push(listener);
  }

  now(): number {
    const monotonic = this.monotonic();
    const nowMs = this.pick(this.systemClock(), this.peersMs(monotonic) ?? this.clientsMs(monotonic));
    const offset = nowMs - monotonic;
    const previous = this.lastOffset;
    this.lastOffset = offset;
    if (previous !== undefined && offset - previous > SUSPECT_MS) {
      for (const listener of this.jumpListeners) listener(offset - previous, previous + monotonic);
    }
    return nowMs;
  }

  state(hlcMs: number): ClockState {
    const systemMs = this.systemClock();
    const monotonic = this.monotonic();
    const clientsMs = this.clientsMs(monotonic);
    const peersMs = this.peersMs(monotonic);
    const nowMs = this.now();
    return {
      systemMs,
      nowMs,
      hlcMs,
      clientsMs: clientsMs ?? null,
      reporters: this.offsets.size,
      source: nowMs === systemMs ? 'system' : nowMs === this.builtAtMs ? 'build' : peersMs !== undefined ? 'peers' : 'clients',
      suspect: this.systemClearlyWrong(systemMs),
    };
  }

  /** Whether a time is past any the clients could ever move the box to: a hybrid clock poisoned before these rules. */
  beyondReach(ms: number): boolean {
    return ms > this.ceiling(this.systemClock());
  }

  /** The system clock is behind the build date, or behind the box's newest time, by more than an op's allowed lead. */
  private systemClearlyWrong(systemMs: number): boolean {
    const plausibleNewest = this.newestMs() <= this.ceiling(systemMs) ? this.newestMs() : 0;
    return Math.max(this.builtAtMs, plausibleNewest) - systemMs > CLEARLY_BEHIND_MS;
  }

  /** No correction from clients goes past this. */
  private ceiling(systemMs: number): number {
    return Math.max(systemMs, this.builtAtMs) + MAX_CLIENT_LEAD_MS;
  }

  private pick(systemMs: number, evidenceMs: number | undefined): number {
    const floor = Math.max(systemMs, this.builtAtMs);
    if (evidenceMs === undefined || !this.systemClearlyWrong(systemMs)) return floor;
    return Math.max(floor, Math.min(evidenceMs, this.ceiling(systemMs)));
  }

  /** The lower median of the paired boxes' reports: one paired box suffices (see the header). */
  private peersMs(monotonic: number): number | undefined {
    if (this.peerOffsets.size === 0) return undefined;
    const sorted = [...this.peerOffsets.values()].sort((a, b) => a - b);
    return Math.floor(monotonic + sorted[Math.floor((sorted.length - 1) / 2)]!);
  }

  private clientsMs(monotonic: number): number | undefined {
    return this.estimateOffset === undefined ? undefined : Math.floor(monotonic + this.estimateOffset);
  }
}

function agreedOffset(offsets: number[]): number | undefined {
  if (offsets.length < MIN_REPORTERS) return undefined;
  const sorted = offsets.sort((a, b) => a - b);
  const median = sorted[Math.floor((sorted.length - 1) / 2)]!;
  const agreeing = sorted.filter((offset) => Math.abs(offset - median) <= SUSPECT_MS).length;
  return agreeing * 2 > sorted.length ? median : undefined;
}
