/**
 * Signed heads kept for relaying (sync/head-signatures.ts `keepHeads`): a head arrives with every
 * live frame, and a relay keeps only one per HEAD_SPACING seqs of an origin, yet still proves
 * what it relays: a box that meets the origin only through the relay, later, catches up.
 */
import { strict as assert } from 'node:assert';
import { after, test } from 'node:test';
import { HEAD_SPACING } from '../src/sync/head-signatures.js';
import { sql } from '../src/store/database.js';
import { pinEachOther, startSyncBox, until, type SyncBox } from './helpers/sync-box.js';

const boxes: SyncBox[] = [];
after(async () => {
  for (const box of boxes) await box.dispose();
});

const headsOf = (box: SyncBox, origin: string) =>
  sql<[string], { seq: number }>(box.writer.db, 'SELECT seq FROM sync_signed_heads WHERE origin = ? ORDER BY seq')
    .all(origin)
    .map((row) => row.seq);

test('a relay keeps one signed head per span of seqs, and what it relays later still verifies', { timeout: 120_000 }, async () => {
  const a = await startSyncBox('a');
  const shore = await startSyncBox('shore');
  const b = await startSyncBox('b');
  boxes.push(a, shore, b);
  const { userId, channelId } = await a.setup();
  pinEachOther(a, shore);
  await until('the link', () => a.service.status()[0]?.link === 'open');
  // Live, in many small groups: each goes out in frames of its own, each with a signed head.
  for (let round = 0; round < 40; round++) {
    await a.postMany(
      userId,
      channelId,
      Array.from({ length: 40 }, (_, index) => `round ${round} post ${index}`),
    );
    await until('the group on the shore', () => shore.opCount() === a.opCount());
  }
  const origin = a.writer.identity.origin;
  const top = a.opCount();
  const kept = headsOf(shore, origin);
  assert.ok(kept.length <= Math.ceil(top / HEAD_SPACING), `${kept.length} heads kept for ${top} ops`);
  assert.equal(kept.at(-1), top, 'the highest head is kept');
  for (let index = 1; index < kept.length; index++)
    assert.ok(kept[index]! - kept[index - 1]! < 2 * HEAD_SPACING, `heads ${kept.join(',')}`);

  // B meets a's origin only through the shore, after the fact: the sparse heads prove it all.
  pinEachOther(b, shore);
  await until('the relayed catch-up', () => b.opCount() === top, 60_000);
  assert.equal(b.opLog(), a.opLog());
  assert.ok(headsOf(b, origin).length <= Math.ceil(top / HEAD_SPACING));
  assert.ok(!b.logs.some((line) => line.includes('bad input')), 'no link closed');
});
