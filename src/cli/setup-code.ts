/**
 * `hail setup-code show | renew`: the one-time code that lets its holder create the first
 * administrator, for when the log line has scrolled away or the code was seen by the wrong
 * person. The server reads the file on every attempt, so a renewed code works at once.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { SetupCode } from '../setup-code.js';
import { StartupError } from '../startup-error.js';
import { hasUsers } from '../core/permissions.js';
import { databaseFile } from '../store/database.js';
import { openForReading, requireOwnDataDir } from './database.js';

export function setupCodeCommand(action: string | undefined, dataDir: string): void {
  if (action !== 'show' && action !== 'renew')
    throw new StartupError('usage', 'say which: hail setup-code show, or hail setup-code renew.');
  // Before the first start too: an image prints the code before the server ever runs.
  requireOwnDataDir(dataDir);
  if (existsSync(databaseFile(dataDir))) {
    const db = openForReading(dataDir);
    const setUp = hasUsers(db);
    db.close();
    if (setUp)
      throw new StartupError(
        'setup_done',
        'this box already has its administrator, so there is no setup code; an administrator can reset a password with hail admin reset-password USERNAME.',
      );
  }
  mkdirSync(dataDir, { recursive: true });
  const setupCode = new SetupCode(dataDir);
  if (action === 'renew') setupCode.consume();
  const code = setupCode.ensure();
  process.stdout.write(`${code}\n${action === 'renew' ? 'The old code no longer works. ' : ''}It is also in ${setupCode.path}.\n`);
}
