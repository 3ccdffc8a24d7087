/**
 * The one-time setup code (docs/DESIGN.md "Reaching the box"): while no account exists, whoever
 * holds it may create the first admin, and nobody else can. It is printed in the log and
 * written to `<data>/setup-code` (readable by the server's user only; images also copy it to
 * the boot partition). Once the first admin exists it is deleted and refused.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { newReadableSecret } from './core/ids.js';
import { replaceFileDurably } from './files/durable-write.js';

const normalized = (code: string): string => code.replace(/[\s-]/g, '').toUpperCase();
const digest = (code: string): Buffer => createHash('sha256').update(normalized(code)).digest();

export class SetupCode {
  private readonly file: string;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'setup-code');
  }

  /** Makes a code if none exists yet (or the file was left empty, by a power cut say) and returns it. */
  ensure(): string {
    const existing = this.read();
    if (existing) return existing;
    const code = newReadableSecret(3);
    replaceFileDurably(this.file, `${code}\n`);
    return code;
  }

  matches(candidate: string): boolean {
    const code = this.read();
    return code !== undefined && timingSafeEqual(digest(code), digest(candidate));
  }

  /** The code, or undefined when there is none: no file, or nothing in it that could be typed. */
  private read(): string | undefined {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    return normalized(text) ? text.trim() : undefined;
  }

  /** Where the code is kept, for people to be told. */
  get path(): string {
    return this.file;
  }

  consume(): void {
    rmSync(this.file, { force: true });
  }
}
