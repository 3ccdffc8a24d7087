import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeHlc, encodeHlc, HybridClock } from '../src/core/hlc.js';

test('the clock never goes backwards when the wall clock does, and orders as text', () => {
  let wall = 1_800_000_000_000;
  const clock = new HybridClock(() => wall);
  const first = encodeHlc(clock.tick());
  wall -= 60_000;
  const second = encodeHlc(clock.tick());
  assert.ok(second > first);
  assert.deepEqual(decodeHlc(second), { ms: 1_800_000_000_000, counter: 1 });
});

test('a clock restarted from its persisted value keeps going forward, even if the box thinks it is 1970', () => {
  const before = new HybridClock(() => 1_800_000_000_000);
  const last = before.tick();
  const after = new HybridClock(() => 0, last);
  assert.ok(encodeHlc(after.tick()) > encodeHlc(last));
});

test('observing a timestamp from the future moves the clock past it; a full counter borrows a millisecond', () => {
  const clock = new HybridClock(() => 1_000);
  assert.deepEqual(clock.observe({ ms: 5_000, counter: 7 }), { ms: 5_000, counter: 8 });
  const full = new HybridClock(() => 1_000, { ms: 2_000, counter: 0xffff });
  assert.deepEqual(full.tick(), { ms: 2_001, counter: 0 });
});
