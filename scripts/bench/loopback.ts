/**
 * Loopback only: every server a benchmark starts listens on 127.0.0.1, on a port the kernel
 * picked as free, and every client connects there.
 */
import { connect, createServer } from 'node:net';

export const LOOPBACK = '127.0.0.1';

/** A port that was free a moment ago (the kernel rarely hands it out again at once). */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port'))));
    });
  });
}

/** Resolves once something accepts TCP connections on the port; bounded by `timeoutMs`. */
export async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((done) => {
      const socket = connect(port, LOOPBACK);
      socket.once('connect', () => {
        socket.destroy();
        done(true);
      });
      socket.once('error', () => done(false));
    });
    if (open) return;
    if (performance.now() > deadline) throw new Error(`nothing listened on ${LOOPBACK}:${port} within ${timeoutMs} ms`);
    await new Promise((wake) => setTimeout(wake, 50));
  }
}
