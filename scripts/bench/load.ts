/**
 * Open-loop load: message i is due at start + i / rate, whatever happened to the earlier
 * ones, as people typing do not wait for each other. At most `maxInFlight` sends are
 * unanswered at once; a server slower than the rate makes the rest wait, and their probes
 * still carry the time they were due. Bounded in count (rate x duration) and in time (the
 * duration plus `graceMs` to get the backlog out).
 */
import type { Sender } from './chat-server.js';
import type { ProbeCollector } from './probe.js';

export interface LoadResult {
  readonly due: number;
  readonly sent: number;
  readonly accepted: number;
  readonly refused: number;
  /** From the first send until the last answer. */
  readonly seconds: number;
}

export async function sendAtRate(
  sender: Sender,
  probes: ProbeCollector,
  rate: number,
  durationMs: number,
  maxInFlight = 256,
  graceMs = 10_000,
): Promise<LoadResult> {
  const due = Math.max(1, Math.round((rate * durationMs) / 1000));
  const start = performance.now();
  const deadline = start + durationMs + graceMs;
  let sent = 0;
  let accepted = 0;
  let refused = 0;
  let inFlight = 0;
  const answered = (ok: boolean) => {
    inFlight--;
    if (ok) accepted++;
    else refused++;
  };
  while (sent < due && performance.now() < deadline) {
    const now = performance.now();
    while (sent < due && inFlight < maxInFlight && start + (sent * 1000) / rate <= now) {
      inFlight++;
      sender.send(probes.next(start + (sent * 1000) / rate)).then(answered, () => answered(false));
      sent++;
    }
    await new Promise((wake) => setTimeout(wake, 1));
  }
  while (inFlight > 0 && performance.now() < deadline) await new Promise((wake) => setTimeout(wake, 1));
  return { due, sent, accepted, refused, seconds: (performance.now() - start) / 1000 };
}
