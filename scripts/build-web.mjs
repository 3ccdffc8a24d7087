// Builds the web client from web/ into dist/web:
// - esbuild bundles web/src/main.tsx with code splitting, so the admin, search and emoji
//   screens (dynamic imports) become their own chunks; every file name carries a content hash
//   and the server may cache them forever;
// - index.html is written with those names (it and sw.js keep fixed names and are never cached);
// - the service worker is bundled, then workbox-build injects the precache manifest;
// - every file gets .br and .gz siblings, which the server picks by Accept-Encoding;
// - the initial JS+CSS (the entry and the chunks it imports statically) is measured gzipped,
//   printed, and the build fails above the budget of docs/DESIGN.md.
import { build } from 'esbuild';
import { injectManifest } from 'workbox-build';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const BUDGET_BYTES = 80 * 1024;
const out = 'dist/web';
// The content hash esbuild appends to a name, as in main-5KJ2Q3XA.js.
const HASHED = /-[A-Z0-9]{8}\./;

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const result = await build({
  entryPoints: { app: 'web/src/main.tsx' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome100', 'firefox100', 'safari15'],
  minify: true,
  outdir: out,
  entryNames: '[name]-[hash]',
  chunkNames: 'chunks/[name]-[hash]',
  assetNames: 'assets/[name]-[hash]',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
  tsconfig: 'web/tsconfig.json',
});

const outputs = result.metafile.outputs;
const entry = Object.keys(outputs).find((file) => outputs[file].entryPoint === 'web/src/main.tsx');
const css = outputs[entry].cssBundle;
const url = (file) => '/' + relative(out, file);

// What the first page load needs: the entry, what it imports statically (recursively), its CSS.
const initial = new Set();
const visit = (file) => {
  if (initial.has(file)) return;
  initial.add(file);
  for (const imported of outputs[file].imports) if (imported.kind === 'import-statement') visit(imported.path);
};
visit(entry);
if (css) initial.add(css);

const template = readFileSync('web/index.html', 'utf8');
const preloads = [...initial]
  .filter((file) => file !== entry && file.endsWith('.js'))
  .map((file) => `<link rel="modulepreload" href="${url(file)}">`)
  .join('');
writeFileSync(
  join(out, 'index.html'),
  template
    .replace('<!--styles-->', css ? `<link rel="stylesheet" href="${url(css)}">` : '')
    .replace('<!--scripts-->', `${preloads}<script type="module" src="${url(entry)}"></script>`),
);
for (const file of ['manifest.webmanifest', 'icon.svg', 'icon-maskable.svg'])
  writeFileSync(join(out, file), readFileSync(join('web', file)));
cpSync('web/icons', join(out, 'icons'), { recursive: true });

// The service worker keeps a fixed name (browsers look for it at the same URL to update it).
await build({
  entryPoints: ['web/sw.ts'],
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2020',
  minify: true,
  outfile: join(out, 'sw.src.js'),
  logLevel: 'warning',
  tsconfig: 'web/tsconfig.json',
});
await injectManifest({
  swSrc: join(out, 'sw.src.js'),
  swDest: join(out, 'sw.js'),
  globDirectory: out,
  globPatterns: ['**/*.{js,css,html,svg,webmanifest}'],
  globIgnores: ['sw.js', 'sw.src.js'],
  // Hashed names change with their content: no cache-busting query needed.
  dontCacheBustURLsMatching: HASHED,
  modifyURLPrefix: { '': '/' },
});
rmSync(join(out, 'sw.src.js'));

const files = readdirSync(out, { recursive: true })
  .map((name) => join(out, name))
  .filter((file) => statSync(file).isFile());
// PNGs are compressed already: a .gz or .br copy would only be larger.
for (const file of files.filter((name) => !name.endsWith('.png'))) {
  const bytes = readFileSync(file);
  writeFileSync(`${file}.gz`, gzipSync(bytes, { level: 9 }));
  writeFileSync(
    `${file}.br`,
    brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }),
  );
}

const initialBytes = [...initial].reduce((sum, file) => sum + statSync(`${file}.gz`).size, 0);
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
console.log(`web: initial JS+CSS ${kb(initialBytes)} gzip (budget ${kb(BUDGET_BYTES)}), ${initial.size} files`);
if (initialBytes > BUDGET_BYTES) {
  console.error(`web: the initial JS+CSS is over budget by ${kb(initialBytes - BUDGET_BYTES)}`);
  process.exit(1);
}
