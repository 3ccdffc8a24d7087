// Prints /usr/share/doc/hail/copyright: Hail's licence, then every npm package shipped in
// /opt/hail/node_modules with its version and licence (each keeps its own LICENSE file there).
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const [modules] = process.argv.slice(2);

function packageDirs(dir) {
  const packages = readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'));
  return packages.flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.name.startsWith('@')) return packageDirs(path);
    const nested = join(path, 'node_modules');
    return [path, ...(existsSync(nested) ? packageDirs(nested) : [])];
  });
}

const lines = packageDirs(modules)
  .map((dir) => {
    const { name, version, license } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    return ` ${name} ${version}: ${license ?? 'see its LICENSE file'}`;
  })
  .sort();

process.stdout.write(`Hail, offline-first team chat.

Copyright ${new Date(Number(process.env.SOURCE_DATE_EPOCH) * 1000).getUTCFullYear()} the Hail authors.
License: Apache-2.0
 On Debian systems the full text of the Apache License, Version 2.0 is in
 /usr/share/common-licenses/Apache-2.0.

Bundled in /opt/hail/node_modules, each with its own licence file there:
${lines.join('\n')}
`);
