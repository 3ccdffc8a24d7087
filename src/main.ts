/**
 * The `hail` command. `serve` starts the server; `rebuild` recomputes the state tables from
 * the op log (`--verify` only compares). The server module is imported only after the C
 * library has been checked: uWebSockets.js needs glibc 2.38, and on an older system the user
 * should read one sentence saying so, not a stack trace from a native module.
 */
import { join } from 'node:path';
import { loadConfig, parseFlags } from './config.js';
import { ApiError } from './core/errors.js';
import { createLog } from './log.js';
import { openDatabase } from './store/database.js';
import { VERSION } from './version.js';

const MIN_GLIBC = [2, 38] as const;

const USAGE = `Hail ${VERSION}: offline-first team chat.

Usage:
  hail serve     [--host 0.0.0.0] [--port 8080] [--data-dir ./data] [--log-level info]
  hail rebuild   [--data-dir ./data] [--verify]
  hail help

Every --flag also reads from an environment variable: --data-dir is HAIL_DATA_DIR, and so on.`;

function glibcProblem(): string | undefined {
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
  const version = header?.glibcVersionRuntime;
  if (!version || process.platform !== 'linux') return undefined;
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major > MIN_GLIBC[0] || (major === MIN_GLIBC[0] && minor >= MIN_GLIBC[1])) return undefined;
  return `Hail needs glibc ${MIN_GLIBC.join('.')} or newer (Debian 13, Ubuntu 24.04, Raspberry Pi OS trixie); this system has glibc ${version}.
On Debian 12, run it inside a Debian 13 root: scripts/debian13 npm start`;
}

function fail(message: string): never {
  process.stderr.write(`hail: ${message}\n`);
  process.exit(1);
}

async function serve(flags: Record<string, string>): Promise<void> {
  const problem = glibcProblem();
  if (problem) fail(problem);
  const config = loadConfig(flags, process.env);
  const log = createLog(config.logLevel);
  const { startServer } = await import('./server.js');
  const server = await startServer(config, log).catch((error: Error) => fail(error.message));
  const shutdown = (signal: string) => {
    log.info({ signal }, 'shutting down');
    // The budget a supervisor waits before SIGKILL; writes in flight finish well within it.
    setTimeout(() => process.exit(1), 5000).unref();
    server.stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

async function rebuildCommand(flags: Record<string, string>): Promise<void> {
  const config = loadConfig(flags, process.env);
  const file = join(config.dataDir, 'hail.db');
  const { rebuild, verify } = await import('./store/rebuild.js');
  if (flags['--verify'] === 'true') {
    const { ops, differences } = verify(file);
    if (differences.length === 0) {
      process.stdout.write(`ok: replaying ${ops} ops gives the same state\n`);
      return;
    }
    for (const { table, onlyInLive, onlyInRebuilt } of differences) {
      process.stdout.write(`${table}: ${onlyInLive} rows only in the database, ${onlyInRebuilt} only in the replay\n`);
    }
    process.exit(1);
  }
  const db = openDatabase(file);
  const ops = rebuild(db);
  db.close();
  process.stdout.write(`rebuilt the state from ${ops} ops\n`);
}

async function main(): Promise<void> {
  const [command = 'help', ...rest] = process.argv.slice(2);
  const { flags } = parseFlags(rest);
  try {
    if (command === 'serve') await serve(flags);
    else if (command === 'rebuild') await rebuildCommand(flags);
    else if (command === 'help' || command === '--help') process.stdout.write(`${USAGE}\n`);
    else fail(`unknown command "${command}"\n\n${USAGE}`);
  } catch (error) {
    if (error instanceof ApiError) fail(error.message);
    throw error;
  }
}

await main();
