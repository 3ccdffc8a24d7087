/**
 * `hail first-boot --root / --boot /boot/firmware`: applies the settings file of the SD card's
 * FAT partition (src/box/first-boot.ts), run as root by hail-first-boot.service before
 * NetworkManager and Hail start. What it did goes to standard output and each problem with
 * the file to standard error, both to the journal; no secret is printed.
 *
 * Both directories must be named and exist: it rewrites the host name and the network of the
 * machine it runs on, which a typed `hail first-boot` on a laptop or a build machine must not do.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { firstBoot } from '../box/first-boot.js';
import { StartupError } from '../startup-error.js';

export function firstBootCommand(flags: Record<string, string>): void {
  const root = flags['--root'];
  const boot = flags['--boot'];
  if (root === undefined || boot === undefined)
    throw new StartupError(
      'usage',
      "first-boot rewrites this machine's host name and Wi-Fi: name both directories, as the image's unit does: hail first-boot --root / --boot /boot/firmware.",
    );
  for (const [flag, dir] of [
    ['--root', join(root, 'etc')],
    ['--boot', boot],
  ] as const)
    if (!existsSync(dir) || !statSync(dir).isDirectory())
      throw new StartupError('first_boot_no_dir', `${dir} is not a directory (${flag}); nothing was changed.`);
  const result = firstBoot({ root, boot });
  if (!result.applied) {
    process.stdout.write('first-boot: these settings are applied already; nothing to do\n');
    return;
  }
  for (const problem of result.problems) process.stderr.write(`first-boot: ${problem}\n`);
  process.stdout.write(
    `first-boot: box "${result.boxName}", host name ${result.hostName}, Wi-Fi: ${result.wifi}; ` +
      `${result.setupCode === 'written' ? 'setup code written to the boot partition' : 'no setup code (the box has its administrator)'}` +
      `${result.problems.length > 0 ? `; ${result.problems.length} problem(s), listed in ERRORS.txt` : ''}\n`,
  );
}
