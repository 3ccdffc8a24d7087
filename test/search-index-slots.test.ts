/**
 * The search index's rowids (store/search-index.ts): posts written in the same millisecond share
 * their slot, and their rows form a run from it. A run with holes (deleted posts), edits inside
 * it, and a long run all keep one row per live post, in the first free rowid from the slot.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { openDatabase, sql } from '../src/store/database.js';
import { indexPost, type IndexedPost } from '../src/store/search-index.js';

// The same millisecond and the same 12 random bits (as UUIDv7 keeps them within a millisecond).
const idOf = (n: number) => `0190a1b2-c3d4-7abc-8${n.toString(16).padStart(3, '0')}-${n.toString(16).padStart(12, '0')}`;
const post = (id: string, message: string): IndexedPost => ({ id, channel_id: 'c', user_id: 'u', created_hlc: 'h', message, deleted: 0 });

test('posts sharing a slot take the first free rowids from it, through edits, deletes and a long run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hail-slots-'));
  const db = openDatabase(join(dir, 'hail.db'));
  try {
    // Rowids pass 2^53: read as bigints, then as offsets from the slot.
    const rows = () =>
      sql<[], { rowid: bigint; post_id: string; message: string }>(db, 'SELECT rowid, post_id, message FROM posts_fts ORDER BY rowid')
        .safeIntegers(true)
        .all()
        .map((row) => ({ ...row, rowid: Number(row.rowid - base) }));
    let base = 0n;
    db.transaction(() => {
      for (let n = 0; n < 300; n++) indexPost(db, idOf(n), post(idOf(n), `word${n}`));
    })();
    base = sql<[], bigint>(db, 'SELECT min(rowid) FROM posts_fts').safeIntegers(true).pluck().get()!;
    const first = rows();
    assert.equal(first.length, 300);
    assert.deepEqual(
      first.map((row) => row.rowid),
      Array.from({ length: 300 }, (_, n) => n),
      'one run from the slot',
    );

    // Holes at 10 and 20; an edit of 200 moves it into the first hole; a new post takes the next.
    indexPost(db, idOf(10), undefined);
    indexPost(db, idOf(20), { ...post(idOf(20), ''), deleted: 1 });
    indexPost(db, idOf(200), post(idOf(200), 'edited'));
    indexPost(db, idOf(300), post(idOf(300), 'new'));
    const after = new Map(rows().map((row) => [row.post_id, row]));
    assert.equal(after.size, 299, 'one row per live post');
    assert.equal(after.get(idOf(200))!.rowid, 10);
    assert.equal(after.get(idOf(200))!.message, 'edited');
    assert.equal(after.get(idOf(300))!.rowid, 20);
    assert.equal(after.has(idOf(10)), false);
    // An edit in place keeps its row: its own slot counts as free.
    indexPost(db, idOf(0), post(idOf(0), 'again'));
    assert.equal(new Map(rows().map((row) => [row.post_id, row])).get(idOf(0))!.rowid, 0);
    // The next new post goes after the run (200's old rowid, freed by its move, comes first).
    indexPost(db, idOf(301), post(idOf(301), 'newer'));
    assert.equal(new Map(rows().map((row) => [row.post_id, row])).get(idOf(301))!.rowid, 200);
    indexPost(db, idOf(302), post(idOf(302), 'newest'));
    assert.equal(new Map(rows().map((row) => [row.post_id, row])).get(idOf(302))!.rowid, 300);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
