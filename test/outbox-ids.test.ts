/**
 * The outbox's two pure parts, run in Node: the UUIDv7 ids the browser mints for posts (the
 * server dedups retries by them, and the outbox sends in their order), and how long it waits
 * before trying a post again.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FIRST_DELAY_MS, MAX_DELAY_MS, retryDelay } from '../web/src/lib/backoff.js';
import { uuidv7 } from '../web/src/lib/uuidv7.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const millisecondsOf = (id: string) => parseInt(id.replace(/-/g, '').slice(0, 12), 16);

test('a post id is a version 7, variant 10 UUID that starts with the time it was minted', () => {
  const before = Date.now();
  const id = uuidv7();
  const after = Date.now();
  assert.match(id, UUID);
  assert.equal(id[14], '7', 'version 7');
  assert.match(id[19]!, /[89ab]/, 'variant 10');
  assert.ok(millisecondsOf(id) >= before && millisecondsOf(id) <= after, `${millisecondsOf(id)} within ${before}..${after}`);
});

test('ids minted later sort later, and ids minted in the same millisecond still count up', () => {
  const ids = Array.from({ length: 5000 }, () => uuidv7());
  assert.deepEqual([...ids].sort(), ids, 'in the order minted');
  assert.equal(new Set(ids).size, ids.length, 'all different');
  const sameMillisecond = ids.filter((id, index) => index > 0 && millisecondsOf(id) === millisecondsOf(ids[index - 1]!));
  assert.ok(sameMillisecond.length > 0, 'the loop minted several ids within one millisecond');
});

test('ids keep counting up when the clock steps back', (t) => {
  const first = uuidv7();
  t.mock.method(Date, 'now', () => millisecondsOf(first) - 60_000);
  const second = uuidv7();
  assert.ok(second > first, `${second} after ${first}`);
});

test('ids are random beyond the time and counter: two tabs never mint the same one', () => {
  const tails = new Set(Array.from({ length: 1000 }, () => uuidv7().slice(-12)));
  assert.equal(tails.size, 1000);
});

test('the retry delay doubles from one second to a cap of thirty', () => {
  const middle = 0.5; // no jitter either way
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 7, 50, 5000].map((failures) => retryDelay(failures, middle)),
    [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000],
  );
  assert.equal(FIRST_DELAY_MS, 1000);
  assert.equal(MAX_DELAY_MS, 30_000);
});

test('the retry delay is spread by a quarter either way, never past the cap', () => {
  assert.equal(retryDelay(3, 0), 3000);
  assert.ok(retryDelay(3, 0.999999) < 5000 && retryDelay(3, 0.999999) > 4999);
  for (let draw = 0; draw < 1; draw += 0.01) {
    const wait = retryDelay(20, draw);
    assert.ok(wait >= MAX_DELAY_MS * 0.75 && wait <= MAX_DELAY_MS, `${wait} at ${draw}`);
  }
  const spread = new Set(Array.from({ length: 100 }, () => Math.round(retryDelay(2, Math.random()))));
  assert.ok(spread.size > 50, 'phones that lost the box together come back at different moments');
});

test('a server that says Retry-After is obeyed: never sooner, at most a quarter later', () => {
  assert.equal(retryDelay(1, 0, 120), 120_000);
  assert.equal(retryDelay(1, 0.5, 120), 135_000);
  assert.ok(retryDelay(9, 0.999, 5) < 6250 && retryDelay(9, 0.999, 5) >= 5000);
});
