import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

test('docs/API.md matches the routes and schemas the server enforces (run npm run docs:api)', () => {
  const fresh = join(mkdtempSync(join(tmpdir(), 'hail-docs-')), 'API.md');
  execFileSync(process.execPath, ['build/scripts/api-docs.js', fresh]);
  assert.equal(readFileSync('docs/API.md', 'utf8'), readFileSync(fresh, 'utf8'));
});
