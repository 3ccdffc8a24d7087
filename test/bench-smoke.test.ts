/**
 * The benchmark harness (scripts/bench) keeps working: a few seconds of each scenario against
 * Hail, and against the peers when they are installed. The real benchmarks are `npm run bench`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { runHail } from './helpers/cli.js';
import { startWorld } from './helpers/world.js';
import { generateHistory } from '../scripts/bench/generate-history.js';
import { BENCH_ENV } from '../scripts/bench/hail-driver.js';
import { NGIRCD } from '../scripts/bench/irc-driver.js';
import { renderReport } from '../scripts/bench/suite.js';
import { STARTERS, coldStartAndHistory, fanout, saturation } from '../scripts/bench/scenarios.js';
import { readMarks } from '../scripts/bench/read-marks.js';
import { PROSODY } from '../scripts/bench/xmpp-driver.js';

test('the fan-out benchmark delivers every message to every Hail receiver and measures the latency', async () => {
  const result = await fanout(STARTERS.hail, 5, 50, 1000, 1);
  const [run] = result.runs;
  assert.ok(run);
  assert.equal(run.expected, 250);
  assert.equal(run.delivered, run.expected);
  assert.ok(Number.isFinite(run.latency.p50) && run.latency.p50 > 0);
  assert.ok(run.latency.p99 >= run.latency.p50);
  assert.ok(result.peakRssBytes > 0 && run.cpuPercent >= 0);
  const report = renderReport({ settings: { name: 'smoke', repetitions: 1, fanoutMs: 1000, saturationRates: [50], saturationStepMs: 500, historyMessages: 0, coldStarts: 0, historyPages: 0, readMarksMs: 0, syncBacklog: 0 }, skipped: {}, scenario1: [result] });
  assert.match(report, /\| Hail \| yes \(fsync\) \|/);
});

test('Hail is benchmarked with the service unit\'s malloc setting, as the box runs it', () => {
  assert.match(BENCH_ENV.GLIBC_TUNABLES ?? '', /^glibc\.malloc\./);
  assert.equal('HAIL_CONFIG' in BENCH_ENV, false);
});

test('the saturation benchmark steps up the rate and stops at a bounded last step', async () => {
  const result = await saturation(STARTERS.hail, 3, [20, 40], 500);
  assert.ok(result.steps.length >= 1 && result.steps.length <= 2);
  assert.ok(result.steps.every((step) => step.delivered <= step.expected));
});

test('the history generator writes posts through the one write path: rebuild --verify agrees', async () => {
  const world = await startWorld({ env: BENCH_ENV });
  try {
    const me = await world.admin.get('/api/v1/me');
    await world.stop();
    const history = await generateHistory(world.hail.dataDir, me.body.user.id, world.team.defaultChannelId, 3000, 10);
    assert.equal(history.sampleIds.length, 10);
    const verified = await runHail(['rebuild', '--verify', '--data-dir', world.hail.dataDir]);
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
  } finally {
    await world.dispose();
  }
});

test('cold start and history pages are measured on a generated database', async () => {
  const result = await coldStartAndHistory(2000, 1, 20);
  assert.equal(result.listeningMs.length, 1);
  assert.ok(result.healthyMs[0]! >= result.listeningMs[0]!);
  assert.equal(result.page.count, 20);
  assert.ok(result.databaseBytes > 0);
});

for (const [name, binary] of [['ngircd', NGIRCD], ['prosody', PROSODY]] as const) {
  test(`the ${name} peer gets the same fan-out pattern`, { skip: !existsSync(binary) && `${name} is not installed` }, async () => {
    const result = await fanout(STARTERS[name], 5, 50, 1000, 1);
    assert.equal(result.runs[0]!.delivered, result.runs[0]!.expected);
  });
}

test('the read-mark benchmark counts read marks among the ops a busy channel writes', async () => {
  const perBurst = await readMarks('per burst', 3, 5000);
  assert.equal(perBurst.posts, 5);
  assert.equal(perBurst.readMarks, 3);
  assert.ok(perBurst.ops >= perBurst.posts + perBurst.readMarks);
});
