/**
 * `hail config check [--config FILE]`: reads the settings exactly as `hail serve` would
 * (flags, then HAIL_* variables, then the file, then defaults) and prints each with where it
 * came from, or stops at the first wrong one with the line `serve` would print.
 */
import { fileKey, loadConfigWithSources, type Config } from '../config.js';

export function configCheckCommand(flags: Record<string, string>): void {
  const { config, file, sources } = loadConfigWithSources(flags, process.env);
  const lines = [`ok: ${file === undefined ? 'no configuration file (set one with --config or HAIL_CONFIG)' : `${file} is valid`}`];
  for (const [key, source] of Object.entries(sources)) {
    const value = config[key as keyof Config];
    if (value === undefined) continue;
    const from = source.kind === 'default' ? 'default' : source.kind === 'file' ? 'file' : source.name;
    lines.push(`  ${fileKey(key).padEnd(20)} ${JSON.stringify(value).padEnd(24)} ${from}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
