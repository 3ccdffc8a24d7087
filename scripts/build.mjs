// Bundles the server into dist/ and the test suites (and build-time scripts) into build/.
// Packages stay external: better-sqlite3 and uWebSockets.js are native modules, and the
// server must be able to check the C library before uWebSockets.js is loaded (main.ts
// imports the server lazily; `splitting` keeps that import lazy in the bundle).
import { build } from 'esbuild';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
// A system clock behind the build is clearly wrong (src/core/box-time.ts). SOURCE_DATE_EPOCH keeps image builds reproducible.
const builtAt = process.env.SOURCE_DATE_EPOCH ? Number(process.env.SOURCE_DATE_EPOCH) * 1000 : Date.now();
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
  define: { HAIL_VERSION: JSON.stringify(version), HAIL_BUILT_AT: String(builtAt) },
};

function find(dir, suffix) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(suffix))
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name));
}

// Chunk names carry content hashes: clear old ones so dist/ holds only this build.
rmSync('dist', { recursive: true, force: true });
rmSync('build', { recursive: true, force: true });
await build({
  ...common,
  entryPoints: { hail: 'src/main.ts', 'picture-worker': 'src/files/picture-worker.ts' },
  outdir: 'dist',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  banner: { js: '#!/usr/bin/env node' },
});
await build({ ...common, entryPoints: [...find('test', '.test.ts'), ...find('scripts', '.ts')], outdir: 'build', outbase: '.' });

// The web client last: the server bundle above cleared dist/, and dist/web is built into it.
await import('./build-web.mjs');
