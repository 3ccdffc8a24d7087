/**
 * The one-time setup code (DESIGN.md "Reaching the box"): while no account exists, whoever
 * holds it may create the first admin, and nobody else can. It is printed in the log and
 * written to `<data>/setup-code` (readable by the server's user only; images also copy it to
 * the boot partition). Once the first admin exists it is deleted and refused.
 */
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// No 0/O, 1/I/L: read off a screen or a piece of paper and typed on a phone.
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

const digest = (code: string): Buffer => createHash('sha256').update(code.replace(/[\s-]/g, '').toUpperCase()).digest();

export class SetupCode {
  private readonly file: string;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'setup-code');
  }

  /** Makes a code if none exists yet and returns it. */
  ensure(): string {
    if (existsSync(this.file)) return readFileSync(this.file, 'utf8').trim();
    const raw = Array.from({ length: 12 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
    const code = `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8)}`;
    writeFileSync(this.file, `${code}\n`, { mode: 0o600 });
    return code;
  }

  matches(candidate: string): boolean {
    if (!existsSync(this.file)) return false;
    return timingSafeEqual(digest(readFileSync(this.file, 'utf8').trim()), digest(candidate));
  }

  consume(): void {
    rmSync(this.file, { force: true });
  }
}
