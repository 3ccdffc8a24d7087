/**
 * `npm run bench` (the quick set, a few minutes) and `npm run bench -- --long`; see
 * scripts/bench/bench for how it gets to a system Hail runs on.
 *
 * Options: --long; --servers hail,ngircd,prosody; --scenarios 1,2,3,4,5,6,7,8,9; --out FILE (the
 * Markdown tables); --json FILE (raw results); --soak-minutes N (scenario 8's length);
 * --soak-node-options='...' (Node options for scenario 8's server beyond the unit's); --soak-snapshots DIR
 * (a V8 heap snapshot of scenario 8's server at every sample, to find what grows; it moves RSS). Servers and clients share this machine's
 * cores, so compare the servers within one run, by the ratios, not across machines.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { ServerName } from './chat-server.js';
import { LONG, QUICK, SERVERS, log, renderReport, runBenchmarks } from './suite.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      long: { type: 'boolean', default: false },
      servers: { type: 'string', default: SERVERS.join(',') },
      scenarios: { type: 'string', default: '1,2,3,4,5,6,7,8,9' },
      'soak-minutes': { type: 'string' },
      'soak-node-options': { type: 'string' },
      'soak-snapshots': { type: 'string' },
      out: { type: 'string' },
      json: { type: 'string' },
    },
  });
  const servers = values.servers.split(',').map((name) => name.trim());
  for (const name of servers)
    if (!SERVERS.includes(name as ServerName)) throw new Error(`unknown server ${name}; choose from ${SERVERS.join(', ')}`);
  const scenarios = new Set(values.scenarios.split(',').map(Number));
  const started = performance.now();
  const settings = values.long ? LONG : QUICK;
  const soakMs = values['soak-minutes'] === undefined ? settings.soakMs : Number(values['soak-minutes']) * 60_000;
  if (!(soakMs > 0)) throw new Error('--soak-minutes must be a positive number');
  const soakRuntime = { nodeOptions: values['soak-node-options'], snapshotDir: values['soak-snapshots'] };
  const results = await runBenchmarks({ ...settings, soakMs }, servers as ServerName[], scenarios, soakRuntime);
  const report = renderReport(results);
  process.stdout.write(report);
  if (values.out) writeFileSync(values.out, report);
  if (values.json) writeFileSync(values.json, JSON.stringify(results, null, 2));
  log(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

// Clients of a stopped peer may still try to reconnect; the run is over, so leave.
main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
