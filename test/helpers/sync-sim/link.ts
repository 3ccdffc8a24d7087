/**
 * A simulated link between two boxes, and a sync round over it as docs/DESIGN.md "Sync between
 * boxes" describes one: each side sends its version vector, the other streams what is missing
 * in its feed order in frames, and each frame goes through the receiver's real `receive` in one
 * transaction. The network misbehaves: frames are dropped, delayed past later ones (possibly
 * past a later round), duplicated and swapped, and a receiver may lose power mid-frame. Nothing
 * is remembered between rounds but the receiver's op log: the next round starts from the vectors.
 * Frames travel as JSON text, so no object is shared between boxes.
 */
import type { Op } from '../../../src/core/op.js';
import { opsMissingFrom, versionVector } from '../../../src/store/op-log.js';
import type { SimBox } from './box.js';
import type { Ledger } from './ledger.js';
import { chance, type Random } from './random.js';

export interface Faults {
  readonly drop: number;
  readonly delay: number;
  readonly duplicate: number;
  readonly swap: number;
  readonly restartMidFrame: number;
  /** Frames hold 1 to this many ops. */
  readonly maxFrameOps: number;
}

export const CALM: Faults = { drop: 0, delay: 0, duplicate: 0, swap: 0, restartMidFrame: 0, maxFrameOps: 64 };

/** At most this many frames each way per round; what is left goes in a later round. */
const FRAMES_PER_ROUND = 24;

interface InFlight {
  readonly to: SimBox;
  readonly frame: string;
}

export class SimLink {
  up: boolean;
  /** Frames delayed in the network, delivered at a later event of this link (or lost with it). */
  private inFlight: InFlight[] = [];

  constructor(
    readonly a: SimBox,
    readonly b: SimBox,
    readonly kind: 'wan' | 'lan',
    up: boolean,
  ) {
    this.up = up;
  }

  get name(): string {
    return `${this.a.index}-${this.b.index}`;
  }

  /** A cut loses what is in flight. */
  cut(): void {
    this.up = false;
    this.inFlight = [];
  }

  /** Both directions; resolves with the number of ops taken on either side. */
  async round(random: Random, faults: Faults, ledger: Ledger): Promise<number> {
    if (!this.up) return 0;
    ledger.count('rounds');
    let taken = await this.deliverLate(random, ledger);
    taken += await this.stream(this.a, this.b, random, faults, ledger);
    taken += await this.stream(this.b, this.a, random, faults, ledger);
    return taken;
  }

  /** Delivers the delayed frames, in a random order. */
  async deliverLate(random: Random, ledger: Ledger): Promise<number> {
    let taken = 0;
    while (this.up && this.inFlight.length > 0) {
      const [late] = this.inFlight.splice(Math.floor(random() * this.inFlight.length), 1);
      ledger.count('late frames');
      taken += await deliver(late!.to, late!.frame, false, ledger);
    }
    return taken;
  }

  private async stream(from: SimBox, to: SimBox, random: Random, faults: Faults, ledger: Ledger): Promise<number> {
    const vector = versionVector(to.db);
    const frames: string[] = [];
    let after = 0;
    while (frames.length < FRAMES_PER_ROUND) {
      const page = opsMissingFrom(from.db, vector, after, 1 + Math.floor(random() * faults.maxFrameOps));
      if (page.ops.length > 0) frames.push(JSON.stringify(page.ops));
      after = page.through;
      if (page.done) break;
    }
    for (let i = 0; i + 1 < frames.length; i++) {
      if (chance(random, faults.swap)) {
        [frames[i], frames[i + 1]] = [frames[i + 1]!, frames[i]!];
        ledger.count('swapped frames');
      }
    }
    let taken = 0;
    for (const frame of frames) {
      ledger.count('frames');
      if (chance(random, faults.drop)) {
        ledger.count('dropped frames');
        continue;
      }
      if (chance(random, faults.delay)) {
        this.inFlight.push({ to, frame });
        continue;
      }
      taken += await deliver(to, frame, chance(random, faults.restartMidFrame), ledger);
      if (chance(random, faults.duplicate)) {
        ledger.count('duplicated frames');
        this.inFlight.push({ to, frame });
      }
    }
    return taken;
  }
}

/** One frame into the receiver's `receive`; a receiver that loses power mid-frame takes none of it. */
async function deliver(to: SimBox, frame: string, powerCut: boolean, ledger: Ledger): Promise<number> {
  const ops = JSON.parse(frame) as Op[];
  const receiving = to.committer.receive(ops);
  if (powerCut) {
    ledger.count('restarts mid-frame');
    to.restart();
    const lost = await receiving.then(
      () => false,
      () => true,
    );
    to.settled();
    if (!lost) throw new Error(`box ${to.index} acknowledged a frame its power cut should have lost`);
    return 0;
  }
  const result = await receiving;
  ledger.acknowledge(result.entries);
  ledger.count('ops taken', result.entries.length);
  ledger.count('duplicate ops', result.duplicates);
  ledger.count('ops refused (gap)', result.refused.length);
  if (result.forks.length > 0) throw new Error(`box ${to.index} saw a fork: ${JSON.stringify(result.forks)}`);
  if (result.refused.some((refusal) => refusal.reason === 'own_origin')) throw new Error(`box ${to.index} was sent its own ops it lacks`);
  return result.entries.length;
}
