/**
 * Waiting for the box's `host` address. At boot the service may start before DHCP or the wifi
 * has given the machine the address it is configured to listen on: that is "not yet", not a
 * wrong setting, so the server waits (saying so once a minute) and starts listening as soon as
 * the address is there, rather than exiting and being given up on. The wildcard addresses are
 * always there.
 */
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Log } from '../log.js';

const WILDCARDS = new Set(['0.0.0.0', '::']);
const RETRY_MS = 1000;
const LOG_EVERY_MS = 60_000;

export async function waitForAddress(host: string, log: Log): Promise<void> {
  if (WILDCARDS.has(host)) return;
  let lastSaid: number | undefined;
  while (!(await isOwnAddress(host))) {
    if (lastSaid === undefined || performance.now() - lastSaid >= LOG_EVERY_MS) {
      log.warn(
        { host },
        `Waiting for ${host} to be an address of this machine (its network is not up yet?); the server listens as soon as it is. If it never comes, set host to one of the machine's addresses, or 0.0.0.0.`,
      );
      lastSaid = performance.now();
    }
    await sleep(RETRY_MS);
  }
  if (lastSaid !== undefined) log.info({ host }, `${host} is up`);
}

/** Whether a socket can be bound to `host` (on any free port): false only while no interface has it. */
function isOwnAddress(host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => resolve(error.code !== 'EADDRNOTAVAIL'));
    probe.listen({ host, port: 0, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}
