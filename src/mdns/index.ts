/**
 * mDNS for the box: one responder per host (one multicast socket on port 5353, shared with
 * avahi-daemon if one runs), used both to announce the box and to browse for its neighbours.
 * When avahi-daemon runs, the box's services are published through it instead (avahi.ts), and
 * Hail's socket only browses: two responders answering for one host name make avahi rename it.
 * A server that listens only on loopback is reachable by nobody on the network, so it
 * announces nothing (the test suites run that way).
 *
 * With `mdns_interface` set, mDNS starts once that interface has an IPv4 address: at boot the
 * wifi often comes up after the service, and a box must not stay silent (or down) for good
 * because it started first. Meanwhile the box serves by address, and the log says why.
 */
import { networkInterfaces } from 'node:os';
import type { Log } from '../log.js';
import type { AddressWatcher } from '../net/addresses.js';
import { publishThroughAvahi } from './avahi.js';
import { Nearby, NOTHING_NEARBY, type NearbyList } from './nearby.js';
import { MdnsResponder, type Announcement, type MulticastDns } from './responder.js';

export interface Mdns {
  /** The name announced, or undefined when mDNS is off. */
  readonly name: () => string | undefined;
  readonly nearby: () => NearbyList;
  stop(): Promise<void>;
}

export const MDNS_OFF: Mdns = { name: () => undefined, nearby: () => NOTHING_NEARBY, stop: async () => {} };

const LOOPBACK = /^(127\.|::1$|localhost$)/;

export const mdnsWanted = (enabled: boolean, host: string): boolean => enabled && !LOOPBACK.test(host);

/** `onHailSeen` runs whenever another box's `_hail._tcp` service appears. */
export async function startMdns(
  announcement: Announcement,
  mdnsInterface: string | undefined,
  watcher: AddressWatcher,
  log: Log,
  onHailSeen?: () => void,
): Promise<Mdns> {
  if (mdnsInterface === undefined) return startResponder(announcement, {}, watcher, log, onHailSeen);
  const address = interfaceAddress(mdnsInterface);
  if (address !== undefined) return startResponder(announcement, multicastOptions(address), watcher, log, onHailSeen);
  const known = Object.keys(networkInterfaces()).join(', ');
  log.warn(
    { mdnsInterface, interfaces: known },
    `mDNS waits for ${mdnsInterface} to have an IPv4 address (interfaces now: ${known}); meanwhile the box is reachable by address.`,
  );
  let started: Mdns | undefined;
  let starting: Promise<void> | undefined;
  let stopped = false;
  watcher.onChange(() => {
    const now = interfaceAddress(mdnsInterface);
    if (now === undefined || starting || stopped) return;
    log.info({ mdnsInterface, address: now }, `mDNS: ${mdnsInterface} is up; announcing the box`);
    starting = startResponder(announcement, multicastOptions(now), watcher, log, onHailSeen).then(
      async (mdns) => {
        if (stopped) await mdns.stop();
        else started = mdns;
      },
      (error: unknown) => log.warn({ err: error }, 'mDNS could not start; the box is reachable by address only'),
    );
  });
  return {
    name: () => started?.name(),
    nearby: () => started?.nearby() ?? NOTHING_NEARBY,
    async stop() {
      stopped = true;
      await starting;
      await started?.stop();
    },
  };
}

async function startResponder(
  announcement: Announcement,
  options: { interface?: string; bind?: string },
  watcher: AddressWatcher,
  log: Log,
  onHailSeen: (() => void) | undefined,
): Promise<Mdns> {
  const avahi = await publishThroughAvahi(announcement, log);
  // Loaded here rather than at start, to keep it out of the memory of a box that announces nothing.
  const { Bonjour } = await import('bonjour-service');
  // multicast-dns options pass through bonjour-service, whose type names only its own.
  const bonjour = new Bonjour(options as object, (error: Error) => log.warn({ err: error }, 'mDNS: could not send'));
  // bonjour-service keeps its multicast-dns instance private; the responder needs it to ask and
  // to watch answers. Without an 'error' listener a busy or forbidden port 5353 would end the process.
  const mdns = (bonjour as unknown as { server: { mdns: MulticastDns & NodeJS.EventEmitter } }).server.mdns;
  mdns.on('error', (error: Error) => log.warn({ err: error }, 'mDNS: socket error; the box is reachable by address only'));
  mdns.on('warning', (error: Error) => log.debug({ err: error }, 'mDNS warning'));
  const responder = avahi ? undefined : new MdnsResponder(bonjour, mdns, announcement, watcher.addresses, log);
  const nearby = new Nearby(bonjour, announcement.nodeId, onHailSeen);
  watcher.onChange((addresses) => {
    void responder?.addressesChanged(addresses);
    nearby.refresh();
  });
  await responder?.start();
  return {
    name: () => avahi?.name ?? responder?.name,
    nearby: () => nearby.list(),
    async stop() {
      nearby.stop();
      await (avahi ?? responder)?.stop();
      await new Promise<void>((resolve) => bonjour.destroy(() => resolve()));
    },
  };
}

const interfaceAddress = (name: string): string | undefined => networkInterfaces()[name]?.find((entry) => entry.family === 'IPv4')?.address;

/** multicast-dns options for one interface, by its IPv4 address; bound to 0.0.0.0, since a socket bound to a unicast address never receives multicast. */
const multicastOptions = (address: string) => ({ interface: address, bind: '0.0.0.0' });
