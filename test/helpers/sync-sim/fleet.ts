/**
 * One seeded run of the simulated fleet: a shore box and 2 to 4 boats, each boat linked to the
 * shore over the WAN and some boats to each other on a marina LAN that is mostly down, so ops
 * between boats are relayed through the shore unless a LAN happens to be up. One boat's clock
 * is at 1970, another's a day ahead. Box 0 is set up and its history synced to every box, then
 * every link is cut and two boxes each make an `alice`, a `#weather` in the same team and a
 * team `crew`, while a third box makes users named as the suffixed alices would be. Then each
 * step draws a local command on a box or a network event (a cut, a heal, a sync round with
 * faults, late frames arriving, a restart). At the end the WAN heals, rounds run without faults
 * until nothing moves, and the fleet must have converged (convergence.ts).
 */
import { sql } from '../../../src/store/database.js';
import { opsMissingFrom } from '../../../src/store/op-log.js';
import { prng } from '../prng.js';
import { SimBox } from './box.js';
import { attempt, channelDraft, Ids, teamDraft, userDraft } from './commands.js';
import { randomCommand } from './commands.js';
import { convergenceProblem } from './convergence.js';
import { Ledger } from './ledger.js';
import { CALM, SimLink, type Faults } from './link.js';
import { between, chance, pick, type Random } from './random.js';

const START = 1_800_000_000_000;
const DAY = 86_400_000;
/** Passes over every link after healing; a fleet that is not quiet by then never converges. */
const MAX_QUIET_PASSES = 40;
const SETTLED_NAMES = `SELECT (SELECT count(*) FROM users WHERE username <> requested_username)
  + (SELECT count(*) FROM teams WHERE name <> requested_name) + (SELECT count(*) FROM channels WHERE name <> requested_name)`;

export interface Run {
  readonly boxes: number;
  readonly steps: number;
  readonly problem: string | undefined;
  readonly counts: Readonly<Record<string, number>>;
}

const originFrom = (random: Random): string =>
  Array.from({ length: 4 }, () =>
    Math.floor(random() * 2 ** 32)
      .toString(16)
      .padStart(8, '0'),
  ).join('');

export async function runFleet(seed: number, steps: number): Promise<Run> {
  const random = prng(seed);
  const ids = new Ids(seed);
  const ledger = new Ledger();
  let time = START;
  const size = between(random, 3, 5);
  const boats = Array.from({ length: size - 1 }, (_, n) => n + 1);
  const early = pick(random, boats)!;
  const ahead = pick(
    random,
    boats.filter((boat) => boat !== early),
  )!;
  const skew = (index: number) => (index === early ? 3_600_000 - START : index === ahead ? DAY : 0);
  const boxes = Array.from({ length: size }, (_, index) => new SimBox(index, originFrom(random), () => time + skew(index)));
  try {
    const links = boats.map((boat) => new SimLink(boxes[0]!, boxes[boat]!, 'wan', true));
    for (const a of boats) {
      for (const b of boats) if (a < b && chance(random, 0.5)) links.push(new SimLink(boxes[a]!, boxes[b]!, 'lan', false));
    }
    // Each seed its own weather: from a clean link to one that loses a third of its frames.
    const rate = (high: number) => random() * high;
    const faults: Faults = {
      drop: rate(0.3),
      delay: rate(0.2),
      duplicate: rate(0.2),
      swap: rate(0.3),
      restartMidFrame: rate(0.06),
      maxFrameOps: between(random, 1, 16),
    };

    const admin = await setUp(boxes[0]!, ids, ledger);
    const history = opsMissingFrom(boxes[0]!.db, {}, 0, 100_000).ops;
    for (const box of boxes.slice(1)) ledger.acknowledge((await box.committer.receive(history)).entries);

    for (const link of links) link.cut();
    const fleetTeam = sql<[], string>(boxes[0]!.db, "SELECT id FROM teams WHERE name = 'fleet'").pluck().get()!;
    const first = pick(random, boxes)!;
    const second = pick(
      random,
      boxes.filter((box) => box !== first),
    )!;
    const alices: string[] = [];
    for (const box of [first, second]) {
      alices.push(ids.id());
      await attempt(box, admin, [userDraft(alices.at(-1)!, 'alice', 'member')], ledger);
      await attempt(box, admin, [channelDraft(ids, fleetTeam, 'weather')], ledger);
      await attempt(box, admin, [teamDraft(ids, 'crew')], ledger);
    }
    // On a third box, someone asks for the very names the clash may give the alices.
    const third = pick(
      random,
      boxes.filter((box) => box !== first && box !== second),
    )!;
    for (const alice of alices) await attempt(third, admin, [userDraft(ids.id(), `alice-${alice.slice(-6)}`, 'member')], ledger);

    for (let step = 0; step < steps; step++) {
      time += between(random, 0, 3000);
      const event = random();
      if (event < 0.5) {
        await randomCommand(pick(random, boxes)!, random, ids, ledger);
      } else if (event < 0.58) {
        pick(
          random,
          links.filter((link) => link.up),
        )?.cut();
      } else if (event < 0.7) {
        const link = pick(
          random,
          links.filter((candidate) => !candidate.up),
        );
        if (link) link.up = true;
      } else if (event < 0.95) {
        await pick(
          random,
          links.filter((link) => link.up),
        )?.round(random, faults, ledger);
      } else if (event < 0.97) {
        const box = pick(random, boxes)!;
        box.restart();
        box.settled();
        ledger.count('restarts');
      } else {
        await pick(random, links)!.deliverLate(random, ledger);
      }
    }

    for (const link of links) if (link.kind === 'wan') link.up = true;
    let quiet = false;
    for (let pass = 0; pass < MAX_QUIET_PASSES && !quiet; pass++) {
      time += 1000;
      let moved = 0;
      for (const link of links) moved += await link.round(random, CALM, ledger);
      quiet = moved === 0;
    }
    const problem = quiet ? convergenceProblem(boxes, ledger) : `the fleet was still moving ops after ${MAX_QUIET_PASSES} calm passes`;
    ledger.count('names settled by a suffix', sql<[], number>(boxes[0]!.db, SETTLED_NAMES).pluck().get()!);
    return { boxes: size, steps, problem, counts: ledger.counts };
  } finally {
    for (const box of boxes) box.dispose();
  }
}

/** Box 0's first state: its administrator, a team `fleet` with a channel, and two members. */
async function setUp(shore: SimBox, ids: Ids, ledger: Ledger): Promise<string> {
  const admin = ids.id();
  await attempt(shore, admin, [userDraft(admin, 'harbourmaster', 'admin')], ledger, { kind: 'setup' });
  const team = teamDraft(ids, 'fleet');
  await attempt(shore, admin, [team], ledger);
  await attempt(shore, admin, [channelDraft(ids, team.entity, 'radio')], ledger);
  for (const [username, role] of [
    ['mate', 'member'],
    ['cook', 'guest'],
    ['bosun', 'admin'],
  ] as const) {
    const user = ids.id();
    const join = { type: 'team.member-set', entity: team.entity, body: { userId: user, member: true } };
    await attempt(shore, admin, [userDraft(user, username, role), join], ledger);
  }
  return admin;
}
