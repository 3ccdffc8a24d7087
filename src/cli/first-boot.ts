/**
 * `hail first-boot [--root /] [--boot /boot/firmware]`: applies the settings file of the SD
 * card's FAT partition (src/box/first-boot.ts), run as root by hail-first-boot.service before
 * NetworkManager and Hail start. What it did goes to standard output and each problem with
 * the file to standard error, both to the journal; no secret is printed.
 */
import { firstBoot } from '../box/first-boot.js';
import { StartupError } from '../startup-error.js';

export function firstBootCommand(flags: Record<string, string>): void {
  if (process.getuid?.() !== 0 && flags['--root'] === undefined)
    throw new StartupError('wrong_user', 'first-boot writes the system settings of this box: run it as root (sudo hail first-boot).');
  const result = firstBoot({ root: flags['--root'] ?? '/', boot: flags['--boot'] ?? '/boot/firmware' });
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
