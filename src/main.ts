/**
 * The `hail` command. `serve` starts the server; `rebuild` recomputes the state tables from
 * the op log (`--verify` only compares); the box's administration commands live in src/cli/.
 * The server module is imported only after the C library has been checked: uWebSockets.js
 * needs glibc 2.38, and on an older system the user should read one sentence saying so, not a
 * stack trace from a native module. Any problem the operator must fix (a StartupError) ends
 * the process with one line and status 78, which the systemd unit does not restart.
 */
import { loadConfig, parseFlags, SETTING_FLAGS } from './config.js';
import { configCheckCommand } from './cli/config-check.js';
import { doctorCommand } from './cli/doctor.js';
import { exportCommand } from './cli/export.js';
import { firstBootCommand } from './cli/first-boot.js';
import { importCommand } from './cli/import.js';
import { inviteCreateCommand } from './cli/invite.js';
import { resetPasswordCommand } from './cli/reset-password.js';
import { setupCodeCommand } from './cli/setup-code.js';
import { tlsInitCommand } from './cli/tls-init.js';
import { ApiError } from './core/errors.js';
import { createLog } from './log.js';
import { openForReading, openForRebuilding } from './cli/database.js';
import { databaseFile } from './store/database.js';
import { glibcProblem } from './preflight.js';
import { EXIT_CONFIG, StartupError } from './startup-error.js';
import { VERSION } from './version.js';

const USAGE = `Hail ${VERSION}: offline-first team chat.

Usage:
  hail serve     [--host 0.0.0.0] [--port 8080] [--data-dir ./data] [--log-level info]
  hail rebuild   [--data-dir ./data] [--verify]
  hail config check                    check the settings and show where each comes from
  hail doctor                          check this machine: glibc, data dir, disk, clock, port, sync, certificate
  hail setup-code show | renew         the one-time code for the first administrator
  hail admin reset-password USERNAME [--password-stdin]
  hail invite create [--team NAME] [--role member|guest|admin] [--expires-in-hours N] [--max-uses N] [--as ADMIN]
  hail peer invite [--expires-in-hours 24]  a one-time string for another box to pair with this one
  hail peer add INVITATION             pair with the box that made it (before setup too: join its fleet)
  hail peer list | rename ID NAME | set-address ID HOST:PORT... | remove ID
  hail tls init                        make the box's own CA and HTTPS certificate (then phones open /trust)
  hail first-boot --root / --boot /boot/firmware   apply hail-settings.toml from the SD card (as root, at boot)
  hail import mattermost EXPORT.zip|EXPORT.jsonl [--strict] [--as ADMIN]   (see docs/IMPORT.md)
  hail import slack EXPORT.zip [--team NAME] [--strict] [--as ADMIN]
  hail export [--team NAME] [--since DATE] FILE.zip   (Mattermost's bulk format, with files)
  hail backup    FILE [--data-dir ./data]     (while the server runs)
  hail restore   FILE --data-dir EMPTY_DIR [--skip-damaged]
                 a new box: new origin, everyone logs in again; --skip-damaged restores all but damaged files
  hail help

Every command takes --config FILE (or HAIL_CONFIG): a TOML file of settings such as data_dir.
Every setting flag also reads from an environment variable: --data-dir is HAIL_DATA_DIR, and so on.`;

function fail(message: string, status = 1): never {
  process.stderr.write(`hail: ${message}\n`);
  process.exit(status);
}

async function serve(flags: Record<string, string>): Promise<void> {
  const problem = glibcProblem();
  if (problem) fail(problem, EXIT_CONFIG);
  const config = loadConfig(flags, process.env);
  const log = createLog(config.logLevel);
  const { startServer } = await import('./server.js');
  const server = await startServer(config, log).catch((error: Error) =>
    fail(error.message, error instanceof StartupError ? EXIT_CONFIG : 1),
  );
  const shutdown = (signal: string) => {
    log.info({ signal }, 'shutting down');
    // The budget a supervisor waits before SIGKILL; writes in flight finish well within it.
    setTimeout(() => process.exit(1), 5000).unref();
    server.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

async function rebuildCommand(flags: Record<string, string>): Promise<void> {
  const config = loadConfig(flags, process.env);
  const { rebuild, verify } = await import('./core/rebuild.js');
  if (flags['--verify'] === 'true') {
    // verify attaches the file; opening it first turns damage into one line that names it.
    openForReading(config.dataDir).close();
    const { ops, differences, chainProblems } = verify(databaseFile(config.dataDir));
    if (differences.length === 0 && chainProblems.length === 0) {
      process.stdout.write(`ok: replaying ${ops} ops gives the same state, and every op's hash and chain link verifies\n`);
      return;
    }
    for (const { table, onlyInLive, onlyInRebuilt } of differences) {
      process.stdout.write(`${table}: ${onlyInLive} rows only in the database, ${onlyInRebuilt} only in the replay\n`);
    }
    const SHOWN = 20;
    for (const { origin, seq, problem } of chainProblems.slice(0, SHOWN))
      process.stdout.write(`op ${origin}/${seq}: ${problem.replace('_', ' ')}\n`);
    if (chainProblems.length > SHOWN) process.stdout.write(`and ${chainProblems.length - SHOWN} more ops that do not verify\n`);
    process.exit(1);
  }
  const db = openForRebuilding(config.dataDir);
  const ops = rebuild(db);
  db.close();
  process.stdout.write(`rebuilt the state from ${ops} ops\n`);
}

async function backupCommand(flags: Record<string, string>, file: string | undefined): Promise<void> {
  if (!file) fail(`name the archive to write: hail backup FILE\n\n${USAGE}`);
  const config = loadConfig(flags, process.env);
  const { writeBackupFile } = await import('./backup/backup-file.js');
  const { bytes, damaged } = await writeBackupFile(config.dataDir, file, Date.now());
  process.stdout.write(`wrote ${file} (${bytes} bytes): the database of ${config.dataDir} and its files\n`);
  if (damaged.length === 0) return;
  const names = damaged.map(({ hash, name }) => `  ${name} (${hash})`).join('\n');
  fail(
    `${damaged.length} file(s) in ${config.dataDir} are damaged on disk (their bytes no longer match their hash) and were left out of the backup; ask whoever shared them to upload them again:\n${names}`,
  );
}

async function restoreCommand(flags: Record<string, string>, file: string | undefined): Promise<void> {
  if (!file) fail(`name the archive to restore: hail restore FILE --data-dir EMPTY_DIR\n\n${USAGE}`);
  const config = loadConfig(flags, process.env);
  const { restoreBackup } = await import('./backup/restore.js');
  const { files, origin, lost } = await restoreBackup(file, config.dataDir, { skipDamaged: flags['--skip-damaged'] === 'true' });
  process.stdout.write(
    `restored ${file} into ${config.dataDir}: the database and ${files} files, as a new box (origin ${origin}); everyone logs in again\n`,
  );
  if (lost.length > 0) {
    process.stdout.write(
      `${lost.length} file(s) the posts refer to are not in it (damaged or missing); ask whoever shared them to upload them again:\n`,
    );
    for (const { hash, name } of lost) process.stdout.write(`  ${name} (${hash})\n`);
  }
}

/** The flags a command takes besides the settings (every command takes those). */
const COMMAND_FLAGS: Record<string, readonly string[]> = {
  rebuild: ['--verify'],
  restore: ['--skip-damaged'],
  'admin reset-password': ['--password-stdin'],
  'invite create': ['--team', '--role', '--expires-in-hours', '--max-uses', '--as'],
  'peer invite': ['--expires-in-hours'],
  'import mattermost': ['--strict', '--as'],
  'import slack': ['--strict', '--as', '--team'],
  export: ['--team', '--since'],
  'first-boot': ['--root', '--boot'],
};

async function main(): Promise<void> {
  const [command = 'help', ...rest] = process.argv.slice(2);
  const { flags, positional } = parseFlags(rest);
  // A mistyped flag would otherwise be ignored: `serve --prot 80` starts as configured, and
  // `restore FILE --data-dri X` or `admin reset-password bob --data-dri X` work on ./data.
  const own = COMMAND_FLAGS[command] ?? COMMAND_FLAGS[`${command} ${positional[0]}`] ?? [];
  const unknown = Object.keys(flags).find((flag) => !SETTING_FLAGS.has(flag) && !own.includes(flag));
  if (unknown) fail(`unknown option ${unknown}; see hail help for the settings`, EXIT_CONFIG);
  try {
    if (command === 'serve') await serve(flags);
    else if (command === 'rebuild') await rebuildCommand(flags);
    else if (command === 'backup') await backupCommand(flags, positional[0]);
    else if (command === 'restore') await restoreCommand(flags, positional[0]);
    else if (command === 'config' && positional[0] === 'check') configCheckCommand(flags);
    else if (command === 'doctor') process.exitCode = (await doctorCommand(flags)) ? 0 : 1;
    else if (command === 'setup-code') setupCodeCommand(positional[0], loadConfig(flags, process.env).dataDir);
    else if (command === 'admin' && positional[0] === 'reset-password')
      await resetPasswordCommand(positional[1], loadConfig(flags, process.env).dataDir, flags['--password-stdin'] === 'true');
    else if (command === 'invite' && positional[0] === 'create') await inviteCreateCommand(loadConfig(flags, process.env), flags);
    else if (command === 'peer') await (await import('./cli/peer.js')).peerCommand(loadConfig(flags, process.env), positional, flags);
    else if (command === 'export') await exportCommand(loadConfig(flags, process.env), positional[0], flags);
    else if (command === 'import') await importCommand(loadConfig(flags, process.env), positional[0], positional.slice(1), flags);
    else if (command === 'first-boot') firstBootCommand(flags);
    else if (command === 'tls' && positional[0] === 'init') await tlsInitCommand(loadConfig(flags, process.env));
    else if (command === 'help' || command === '--help') process.stdout.write(`${USAGE}\n`);
    else fail(`unknown command "${command}"\n\n${USAGE}`);
  } catch (error) {
    if (error instanceof StartupError) fail(error.message, EXIT_CONFIG);
    if (error instanceof ApiError) fail(error.message);
    throw error;
  }
}

await main();
