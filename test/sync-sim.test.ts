/**
 * The simulated fleet (test/helpers/sync-sim/): 3 to 5 real databases with the real commit and
 * receive code, over links that cut, delay, repeat, reorder and lose frames, boxes restarted
 * mid-frame, skewed clocks and name clashes made during partitions. After healing, every box
 * must hold the same op log and the same replicated state, and every acknowledged op.
 *
 * Seeds 1 to HAIL_SIM_RUNS (default 150) run in `npm test`, HAIL_SIM_STEPS (default 90) steps
 * each; HAIL_SIM_FROM moves the range to explore others, and HAIL_SIM_SEED=n replays one run (a
 * failure prints the command; scripts/debian13 clears the environment, hence its `env`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFleet } from './helpers/sync-sim/fleet.js';

test('a fleet over bad links, with partitions, restarts, skewed clocks and name clashes, converges once healed', async () => {
  const only = process.env.HAIL_SIM_SEED;
  const from = Number(process.env.HAIL_SIM_FROM ?? 1);
  const runs = Number(process.env.HAIL_SIM_RUNS ?? 150);
  const steps = Number(process.env.HAIL_SIM_STEPS ?? 90);
  const seeds = only !== undefined ? [Number(only)] : Array.from({ length: runs }, (_, n) => from + n);
  const totals: Record<string, number> = {};
  for (const seed of seeds) {
    let run;
    try {
      run = await runFleet(seed, steps);
    } catch (error) {
      run = { problem: `it threw: ${error instanceof Error ? error.stack : String(error)}`, counts: {} };
    }
    if (run.problem) {
      assert.fail(
        `seed ${seed} did not converge. Replay it after a build with:\n` +
          `  scripts/debian13 env HAIL_SIM_SEED=${seed} HAIL_SIM_STEPS=${steps} node --test build/test/sync-sim.test.js\n${run.problem}`,
      );
    }
    for (const [what, n] of Object.entries(run.counts)) totals[what] = (totals[what] ?? 0) + n;
  }
  if (process.env.HAIL_SIM_VERBOSE) console.log(seeds.length, 'seeds', totals);
  // A run that exercised nothing proves nothing.
  const exercised = ['commands taken', 'commands refused', 'ops taken', 'dropped frames', 'late frames', 'ops refused (gap)'];
  exercised.push('restarts mid-frame', 'names settled by a suffix');
  for (const what of exercised) {
    if (seeds.length >= 20) assert.ok((totals[what] ?? 0) > 0, `no ${what} in ${seeds.length} seeds`);
  }
});
