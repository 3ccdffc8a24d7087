/** Runs the built `hail` command (dist/hail.js) as a child process and collects what it printed. */
import { spawn } from 'node:child_process';
import { HAIL } from './server.js';

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runHail(args: readonly string[], timeoutMs = 30000): Promise<CliResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [HAIL, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
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
