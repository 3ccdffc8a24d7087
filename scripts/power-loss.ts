/**
 * Runs the power-loss loop (test/helpers/power-loss.ts) many times: SIGKILL at random moments
 * under write load, then check that the database opens, passes integrity_check, and lost no
 * acknowledged post. The CI suite does about 50; this does 1,000 by default.
 *
 *   node scripts/build.mjs && scripts/debian13 node build/scripts/power-loss.js [KILLS]
 */
import { powerLossLoop } from '../test/helpers/power-loss.js';

const kills = Number(process.argv[2] ?? 1000);
const report = await powerLossLoop(kills, (progress) => {
  if (progress.kills % 50 === 0) process.stderr.write(`${JSON.stringify(progress)}\n`);
});
process.stdout.write(`${JSON.stringify(report)}\n`);
process.exitCode = report.lost === 0 && report.corrupt === 0 ? 0 : 1;
