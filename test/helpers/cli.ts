/** Runs the built `hail` command (dist/hail.js) as a child process and collects what it printed. */
import { spawn } from 'node:child_process';
import { HAIL } from './server.js';

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /** Added to this process's environment. */
  readonly env?: Record<string, string>;
  /** Written to the command's standard input, which is otherwise closed. */
  readonly input?: string;
  /** Run as this user and group (the tests run as root). */
  readonly uid?: number;
  readonly gid?: number;
}

export function runHail(args: readonly string[], timeoutMs = 30000, options: RunOptions = {}): Promise<CliResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [HAIL, ...args], {
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...options.env },
      uid: options.uid,
      gid: options.gid,
    });
    if (options.input !== undefined) child.stdin!.end(options.input);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`hail ${args.join(' ')} took longer than ${timeoutMs} ms\n${stdout}${stderr}`));
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      fail(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}
