/**
 * The benchmark harness (scripts/bench) keeps working: a few seconds of each scenario against
 * Hail, and against the peers when they are installed. The real benchmarks are `npm run bench`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { runHail } from './helpers/cli.js';
import { startWorld } from './helpers/world.js';
import { generateHistory } from '../scripts/bench/generate-history.js';
import { BENCH_ENV } from '../scripts/bench/hail-driver.js';
import { NGIRCD } from '../scripts/bench/irc-driver.js';
import { renderReport } from '../scripts/bench/suite.js';
import { STARTERS, coldStartAndHistory, fanout, saturation } from '../scripts/bench/scenarios.js';
import { readMarks } from '../scripts/bench/read-marks.js';
import { plateauVerdict, soak } from '../scripts/bench/soak.js';
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
  const report = renderReport({
    settings: {
      name: 'smoke',
      repetitions: 1,
      fanoutMs: 1000,
      saturationRates: [50],
      saturationStepMs: 500,
      historyMessages: 0,
      coldStarts: 0,
      historyPages: 0,
      readMarksMs: 0,
      soakMs: 0,
      syncBacklog: 0,
    },
    skipped: {},
    scenario1: [result],
  });
  assert.match(report, /\| Hail \| yes \(fsync\) \|/);
});

test("Hail is benchmarked with the service unit's malloc setting and heap sizes, as the box runs it", () => {
  assert.match(BENCH_ENV.GLIBC_TUNABLES ?? '', /^glibc\.malloc\./);
  assert.match(BENCH_ENV.NODE_OPTIONS ?? '', /--max-semi-space-size=1\b/);
  assert.equal('HAIL_CONFIG' in BENCH_ENV, false);
});

test("`npm start` runs Node with the service unit's settings", () => {
  const start = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } }).scripts.start;
  assert.ok(start.includes(`GLIBC_TUNABLES=${BENCH_ENV.GLIBC_TUNABLES} node ${BENCH_ENV.NODE_OPTIONS} dist/hail.js serve`), start);
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

for (const [name, binary] of [
  ['ngircd', NGIRCD],
  ['prosody', PROSODY],
] as const) {
  test(`the ${name} peer gets the same fan-out pattern`, { skip: !existsSync(binary) && `${name} is not installed` }, async () => {
    const result = await fanout(STARTERS[name], 5, 50, 1000, 1);
    assert.equal(result.runs[0]!.delivered, result.runs[0]!.expected);
  });
}

test('the read-mark benchmark counts read marks among the ops a busy channel writes', async () => {
  const perBurst = await readMarks('per burst', 3, 5000);
  assert.equal(perBurst.posts, 5);
  // Each reader's position moved within the settle time: none travels during the run, each at stop.
  assert.equal(perBurst.readMarks, 0);
  assert.equal(perBurst.readMarksAtStop, 3);
  assert.ok(perBurst.ops >= perBurst.posts + perBurst.readMarks);
});

test("the soak delivers every post once across resumes and samples the server's memory", async () => {
  const result = await soak({ durationMs: 3000, sampleMs: 1000, dropEveryMs: 1000, users: 2, socketsPerUser: 5, postsPerSecond: 20 });
  assert.equal(result.accepted, 60);
  assert.equal(result.resumes, 4); // two drops of a fifth (2 of 10 sockets) within the 3 s
  assert.equal(result.delivered, 60 * 10);
  assert.equal(result.duplicates, 0);
  assert.ok(result.samples.length >= 4);
  assert.ok(result.samples.every((sample) => sample.rssBytes > 0 && sample.heapUsedBytes > 0 && sample.externalBytes > 0));
  const report = renderReport({
    settings: {
      name: 'smoke',
      repetitions: 1,
      fanoutMs: 0,
      saturationRates: [],
      saturationStepMs: 0,
      historyMessages: 0,
      coldStarts: 0,
      historyPages: 0,
      readMarksMs: 0,
      soakMs: 3000,
      syncBacklog: 0,
    },
    skipped: {},
    scenario8: result,
  });
  assert.match(report, /plateau \(last third within 10 % of the middle\)/);
});

test("the soak's verdict compares the last third of the samples with the middle third", () => {
  assert.equal(plateauVerdict([50, 70, 70, 70, 76, 76]).plateau, true);
  assert.equal(plateauVerdict([50, 60, 70, 80, 90, 100]).plateau, false);
  assert.deepEqual(plateauVerdict([10, 20, 30, 40, 50, 60]), { middle: 35, last: 55, plateau: false });
  assert.equal(plateauVerdict([70, 70]).plateau, false);
});
