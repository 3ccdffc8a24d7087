/**
 * Scenario 9 (scripts/bench/sync-budgets.ts) alone, with a backlog of your choice:
 *
 *   node build/scripts/bench/sync-measure.js [BACKLOG=100000]
 */
import { measureSync, syncTable } from './sync-budgets.js';

const result = await measureSync(Number(process.argv[2] ?? 100_000), (line) => process.stderr.write(`${line}\n`));
process.stdout.write(`${syncTable(result)}\n`);
