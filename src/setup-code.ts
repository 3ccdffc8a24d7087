/**
 * The one-time setup code (DESIGN.md "Reaching the box"): while no account exists, whoever
 * holds it may create the first admin, and nobody else can. It is printed in the log and
 * written to `<data>/setup-code` (readable by the server's user only; images also copy it to
 * the boot partition). Once the first admin exists it is deleted and refused.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newReadableSecret } from './core/ids.js';

const digest = (code: string): Buffer => createHash('sha256').update(code.replace(/[\s-]/g, '').toUpperCase()).digest();

export class SetupCode {
  private readonly file: string;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'setup-code');
  }

  /** Makes a code if none exists yet and returns it. */
  ensure(): string {
    if (existsSync(this.file)) return readFileSync(this.file, 'utf8').trim();
    const code = newReadableSecret(3);
    writeFileSync(this.file, `${code}\n`, { mode: 0o600 });
    return code;
  }

  matches(candidate: string): boolean {
    if (!existsSync(this.file)) return false;
    return timingSafeEqual(digest(readFileSync(this.file, 'utf8').trim()), digest(candidate));
  }

  /** Where the code is kept, for people to be told. */
  get path(): string {
    return this.file;
  }

  consume(): void {
    rmSync(this.file, { force: true });
  }
}
