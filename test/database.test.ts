/** The database's own memory: SQLite's page cache has a bound, whatever better-sqlite3 was built with. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { newDataDir, removeDataDir } from './helpers/server.js';
import { PAGE_CACHE_KIB, openDatabase } from '../src/store/database.js';

test("SQLite's page cache is bounded at PAGE_CACHE_KIB, not better-sqlite3's 16 MB", () => {
  const dir = newDataDir();
  try {
    const db = openDatabase(join(dir, 'hail.db'));
    // A negative cache_size is a size in KiB; a positive one counts pages.
    assert.equal(db.pragma('cache_size', { simple: true }), -PAGE_CACHE_KIB);
    assert.ok(PAGE_CACHE_KIB <= 4096);
    db.close();
  } finally {
    removeDataDir(dir);
  }
});
