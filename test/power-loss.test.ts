/**
 * The power goes out on the boat while the crew is chatting, again and again: about fifty
 * SIGKILLs at random moments under write load. After each one the database opens, passes its
 * integrity check, and still holds every post the server acknowledged. scripts/power-loss.ts
 * runs the same loop a thousand times.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { powerLossLoop } from './helpers/power-loss.js';

const KILLS = 50;

test(
  `${KILLS} SIGKILLs under write load: the database always opens intact, no acknowledged post is lost`,
  { timeout: 240000 },
  async () => {
    const report = await powerLossLoop(KILLS);
    process.stdout.write(`# power loss: ${JSON.stringify(report)}\n`);
    assert.equal(report.corrupt, 0);
    assert.equal(report.lost, 0);
    assert.ok(report.acknowledged > KILLS, `only ${report.acknowledged} posts were acknowledged in ${KILLS} rounds`);
  },
);
