/**
 * A probe is a chat message that carries its own send time: `probe <seq> <ms>`, where `ms` is
 * `performance.now()` in the harness when the message was due to be sent. Senders and
 * receivers live in the same process, so a receiver subtracts it from its own clock: no clock
 * sync, sub-millisecond resolution. The time is when the message was *due*, not when the
 * sender got round to it, so a server that makes the sender wait is charged for the wait
 * (no coordinated omission).
 *
 * Receivers hand the collector the raw text they got (a WebSocket frame, an IRC line, an XMPP
 * body); the collector finds the probe in it without parsing the protocol, so that parsing
 * costs the same for every server.
 */
const PROBE = /probe (\d+) (\d+\.\d{3})/;

export class ProbeCollector {
  private seq = 0;
  private firstCounted = Number.POSITIVE_INFINITY;
  latencies: number[] = [];
  delivered = 0;

  /** The text of the next probe, due at `dueAt` (performance.now() milliseconds). */
  next(dueAt: number): string {
    return `probe ${++this.seq} ${dueAt.toFixed(3)}`;
  }

  /** Counts only probes made from now on; earlier ones (a warm-up) still arriving are ignored. */
  startCounting(): void {
    this.firstCounted = this.seq + 1;
    this.latencies = [];
    this.delivered = 0;
  }

  readonly receive = (text: string): void => {
    const match = PROBE.exec(text);
    if (!match || Number(match[1]) < this.firstCounted) return;
    this.delivered++;
    this.latencies.push(performance.now() - Number(match[2]));
  };

  /** Resolves when `expected` probes have arrived, or after `timeoutMs`; says which. */
  async waitFor(expected: number, timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (this.delivered < expected && performance.now() < deadline) await new Promise((wake) => setTimeout(wake, 10));
    return this.delivered >= expected;
  }
}
