import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeHlc, encodeHlc, HybridClock, MAX_OBSERVED_LEAD_MS } from '../src/core/hlc.js';

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

test('a timestamp far in the future pulls the clock only a bounded step ahead of the wall clock', () => {
  const wall = 1_800_000_000_000;
  const clock = new HybridClock(() => wall);
  const year2199 = Date.UTC(2199, 0, 1);
  assert.deepEqual(clock.observe({ ms: year2199, counter: 0 }), { ms: wall + MAX_OBSERVED_LEAD_MS, counter: 1 });
  for (let i = 0; i < 1000; i++) clock.observe({ ms: year2199, counter: i });
  assert.equal(clock.current.ms, wall + MAX_OBSERVED_LEAD_MS);
});

test('the clock resumes from its own persisted value however far ahead it is: it never goes backwards', () => {
  const clock = new HybridClock(() => 1_000);
  assert.deepEqual(clock.resume({ ms: 9_000_000, counter: 3 }), { ms: 9_000_000, counter: 4 });
});
