/**
 * Scenario 9 of `npm run bench` (scripts/bench/sync-budgets.ts) keeps working: a small catch-up,
 * an empty round and live posts, each measured, and the report shows each budget beside it.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { renderReport } from '../scripts/bench/suite.js';
import { measureSync } from '../scripts/bench/sync-budgets.js';

test('the sync benchmark measures a catch-up, an empty round and live posts, within the byte budgets', { timeout: 120_000 }, async () => {
  const result = await measureSync(2000);
  assert.ok(result.catchUpSeconds > 0 && result.catchUpCpuSeconds > 0);
  assert.ok(result.catchUpBytesPerPost > 0 && result.catchUpBytesPerPost <= 120, `${result.catchUpBytesPerPost} B per post`);
  assert.ok(result.liveBytesPerPost > 0 && result.liveBytesPerPost <= 250, `${result.liveBytesPerPost} B per live post`);
  assert.ok(result.emptyRoundBytes > 0 && result.emptyRoundBytes <= 3000, `${result.emptyRoundBytes} B`);
  assert.ok(result.memoryAboveIdleBytes >= 0);
  const settings = {
    name: 'smoke',
    repetitions: 1,
    fanoutMs: 0,
    saturationRates: [],
    saturationStepMs: 0,
    historyMessages: 0,
    coldStarts: 0,
    historyPages: 0,
    readMarksMs: 0,
    soakMs: 0,
    syncBacklog: 2000,
  };
  const report = renderReport({ settings, skipped: {}, scenario9: result });
  assert.match(report, /### Scenario 9: sync between two boxes on loopback/);
  assert.match(report, /\| bytes on the wire per post, catch-up \| ≤ 120 B \| \d+\.\d B \|/);
});
