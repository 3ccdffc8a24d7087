/**
 * The servers a benchmark starts, and what they cost. Every child is remembered by its PID
 * and stopped by that PID: after each scenario, when a scenario fails, and (SIGKILL, as a last
 * resort) when the harness itself exits or is interrupted, so no server outlives a run.
 *
 * CPU time and memory come from /proc/<pid>: `VmHWM` is the peak resident set since the
 * process started (each scenario starts its servers fresh, so it is the scenario's peak), and
 * utime + stime are in clock ticks, 100 per second on Linux.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';

const CLOCK_TICKS_PER_SECOND = 100;
const running = new Map<number, ChildProcess>();

/** Remembers a child so that it is killed if the harness ends before stopping it. */
export function track(child: ChildProcess): ChildProcess {
  if (child.pid === undefined) throw new Error('the process did not start');
  const pid = child.pid;
  running.set(pid, child);
  child.once('exit', () => running.delete(pid));
  return child;
}

export function startProcess(command: string, args: readonly string[], options: SpawnOptions = {}): ChildProcess {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  return track(child);
}

/** SIGTERM by PID, then SIGKILL if it has not exited within `graceMs`. */
export async function stopProcess(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  process.kill(child.pid, 'SIGTERM');
  const timer = setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
  }, graceMs);
  await exited;
  clearTimeout(timer);
}

function killAll(): void {
  for (const pid of running.keys()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

process.once('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAll();
    process.exit(130);
  });
}

export interface ProcessUsage {
  readonly rssBytes: number;
  readonly peakRssBytes: number;
  readonly cpuSeconds: number;
}

export function processUsage(pid: number): ProcessUsage {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which may itself hold spaces: state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { rssBytes: kib('VmRSS'), peakRssBytes: kib('VmHWM'), cpuSeconds: ticks / CLOCK_TICKS_PER_SECOND };
}
