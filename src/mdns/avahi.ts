/**
 * When avahi-daemon runs (Raspberry Pi OS and most desktops run it), it owns mDNS on the
 * machine: it answers for the host name and addresses, and when a second responder on the same
 * machine answers for them too, it takes the answers for a rival and renames the host
 * (`arthur-2.local`). So Hail then publishes its services through avahi, with `avahi-publish`
 * (avahi-utils), one process per service type, and answers nothing itself. avahi resolves
 * service name conflicts (it appends " #2"), follows address changes and says goodbye when a
 * publisher ends. Without avahi, or without its tools, Hail's own responder does all of it
 * (responder.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { Log } from '../log.js';
import type { Announcement } from './responder.js';

// avahi-publish connects to the daemon in a few milliseconds; a daemon that has not answered by
// then is not going to serve us.
const ESTABLISH_TIMEOUT_MS = 5000;

export interface AvahiPublication {
  /** The instance name avahi established for `_hail._tcp`. */
  readonly name: string;
  stop(): Promise<void>;
}

/** Publishes through avahi-daemon, or undefined (and nothing left running) when it is not there. */
export async function publishThroughAvahi(announcement: Announcement, log: Log): Promise<AvahiPublication | undefined> {
  const { boxName, nodeId, version, httpPort, httpsPort, syncPort } = announcement;
  const instance = `Hail on ${boxName}`;
  // The sync port too: paired boxes dial it when they see this box (sync/index.ts).
  const ports = {
    http: String(httpPort),
    ...(httpsPort === undefined ? {} : { https: String(httpsPort) }),
    ...(syncPort === undefined ? {} : { sync: String(syncPort) }),
  };
  const services: [string, number, Record<string, string>][] = [
    ['_hail._tcp', httpPort, { node: nodeId, version, ...ports }],
    ['_http._tcp', httpPort, { path: '/', node: nodeId }],
    ...(httpsPort === undefined
      ? []
      : [['_https._tcp', httpsPort, { path: '/', node: nodeId }] as [string, number, Record<string, string>]]),
  ];
  const publishers = services.map(([type, port, txt]) => publish(instance, type, port, txt));
  const established = await Promise.all(publishers.map((publisher) => publisher.established));
  const stop = async () => {
    await Promise.all(publishers.map((publisher) => publisher.stop()));
  };
  if (established.some((name) => name === undefined)) {
    await stop();
    return undefined;
  }
  const name = established[0]!;
  log.info({ name, types: services.map(([type]) => type) }, 'mDNS: published through avahi-daemon, which answers for the host name');
  for (const publisher of publishers) {
    publisher.child.once('exit', (code) => {
      if (!publisher.stopping)
        log.warn({ code }, 'mDNS: avahi-publish ended (avahi-daemon restarted?); the box is reachable by address until Hail restarts');
    });
  }
  return { name, stop };
}

interface Publisher {
  readonly child: ChildProcess;
  /** The name avahi established, or undefined when it did not. */
  readonly established: Promise<string | undefined>;
  stopping: boolean;
  stop(): Promise<void>;
}

function publish(instance: string, type: string, port: number, txt: Record<string, string>): Publisher {
  const records = Object.entries(txt).map(([key, value]) => `${key}=${value}`);
  const child = spawn('avahi-publish', ['-s', instance, type, String(port), ...records], { stdio: ['ignore', 'pipe', 'pipe'] });
  const established = new Promise<string | undefined>((resolve) => {
    let said = '';
    const timer = setTimeout(() => resolve(undefined), ESTABLISH_TIMEOUT_MS);
    const listen = (chunk: Buffer) => {
      said += chunk.toString();
      const name = /Established under name '(.*)'/.exec(said)?.[1];
      if (name !== undefined) {
        clearTimeout(timer);
        resolve(name);
      }
    };
    child.stdout!.on('data', listen);
    child.stderr!.on('data', listen);
    // Not installed (ENOENT), or the daemon is not running (it exits at once saying so).
    child.once('error', () => resolve(undefined));
    child.once('exit', () => resolve(undefined));
  });
  const publisher: Publisher = {
    child,
    established,
    stopping: false,
    async stop() {
      publisher.stopping = true;
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      const exited = once(child, 'exit');
      // SIGTERM: avahi-publish frees its entry group, and avahi says goodbye for it.
      child.kill('SIGTERM');
      await exited;
    },
  };
  return publisher;
}
