/**
 * `hail import mattermost EXPORT`: a Mattermost bulk export (the `.zip` of `mmctl export
 * create`, or its `.jsonl`) into this box; `hail import slack EXPORT.zip [--team NAME]`: a
 * Slack workspace export into one team. Through the write path, as the administrator named
 * by `--as` (or the earliest active one). It may run while the server runs. Each account it
 * makes gets a one-time link to set a password, printed here; an administrator can make a new
 * one later from the admin screen (the links last a day). `--strict` refuses the whole export
 * if any line is malformed, and stops at the first line that cannot be imported.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.js';
import { BlobStore } from '../files/blob-store.js';
import { configuredBoxUrls } from '../http/pages/box-urls.js';
import { createPasswordReset } from '../http/password-resets.js';
import { openExportFile, type ExportFile } from '../import/export-file.js';
import { SlackImport } from '../import/slack/importer.js';
import { openZipArchive, type ZipArchive } from '../import/zip-archive.js';
import { StrictAbort } from '../import/import-batch.js';
import { MattermostImport } from '../import/mattermost/importer.js';
import { progressReporter } from '../import/progress.js';
import { StartupError } from '../startup-error.js';
import { userByName, withWriter } from './database.js';
import { firstAdmin } from './invite.js';

const SOURCES = ['mattermost', 'slack'];

export async function importCommand(
  config: Config,
  source: string | undefined,
  positional: readonly string[],
  flags: Record<string, string>,
): Promise<void> {
  // `--strict FILE` reads as the flag's value: a flag that takes none gives it back.
  const strictValue = flags['--strict'];
  const path = positional[0] ?? (strictValue !== undefined && strictValue !== 'true' ? strictValue : undefined);
  if (!source || !SOURCES.includes(source)) {
    throw new StartupError('usage', `say what to import from: hail import mattermost|slack EXPORT.zip (got "${source ?? ''}").`);
  }
  if (!path)
    throw new StartupError(
      'usage',
      `name the export: hail import ${source} ${source === 'slack' ? 'EXPORT.zip' : 'EXPORT.zip|EXPORT.jsonl'}.`,
    );
  if (source === 'slack' && !existsSync(path)) throw new StartupError('no_export', `there is no file ${path}.`);
  const isSlack = source === 'slack';
  const file = isSlack ? await openZipArchive(path) : await openExportFile(path);
  try {
    const outcome = await withWriter(config.dataDir, async (writer) => {
      const admin = flags['--as'] ? userByName(writer.db, flags['--as']) : firstAdmin(writer.db);
      if (admin.role !== 'admin' || admin.active !== 1) {
        throw new StartupError('not_admin', `${admin.username} is not an active administrator; name one with --as.`);
      }
      const strict = strictValue !== undefined;
      const importer = isSlack
        ? new SlackImport(writer, admin, { strict, teamName: flags['--team'] ?? 'slack', progress: progressReporter(process.stderr, 1) })
        : new MattermostImport(writer, new BlobStore(join(config.dataDir, 'files')), admin, {
            strict,
            now: Date.now,
            progress: progressReporter(process.stderr, (file as ExportFile).size),
          });
      try {
        if (importer instanceof SlackImport) await importer.run(file as ZipArchive);
        else await importer.run(file as ExportFile);
      } catch (error) {
        if (!(error instanceof StrictAbort)) throw error;
        await writer.committer.drain();
        return { report: importer.report, abort: error.message, links: [] };
      }
      const links = importer.report.newAccounts.map(({ id, username }) => ({
        username,
        token: createPasswordReset(writer.db, id, admin.id, Date.now()).token,
      }));
      return { report: importer.report, abort: undefined, links };
    });
    const { report, abort, links } = outcome;
    for (const { line, where, message } of report.problems) {
      const place = [where, line > 0 ? `line ${line}` : ''].filter(Boolean).join(' ');
      process.stderr.write(`hail: ${place ? `${place}: ` : ''}${message}\n`);
    }
    const added =
      Object.entries(report.added)
        .map(([type, count]) => `${count} ${type}`)
        .join(', ') || 'nothing new';
    process.stdout.write(`Imported from ${path}: ${added}.\n`);
    const dropped = Object.entries(report.dropped).map(([kind, count]) => `${count} ${kind}`);
    if (dropped.length) process.stdout.write(`Not imported (Hail has no place for them): ${dropped.join(', ')}.\n`);
    if (report.problems.length)
      process.stdout.write(`${report.problems.length} line problem${report.problems.length === 1 ? '' : 's'}, listed above.\n`);
    if (report.renamed.length) {
      process.stdout.write('Usernames taken on this box, and the names given instead:\n');
      for (const { from, to } of report.renamed) process.stdout.write(`  ${from} -> ${to}\n`);
    }
    if (links.length) {
      const base = configuredBoxUrls(config).byIp[0] ?? '/';
      process.stdout.write(
        'New accounts have no password yet; each sets one with its link (valid 24 h, shown only now; an admin can make new ones):\n',
      );
      for (const { username, token } of links) process.stdout.write(`  ${username} ${base}reset/${token}\n`);
    }
    if (abort) throw new StartupError('import_stopped', abort);
  } finally {
    file.close();
  }
}
