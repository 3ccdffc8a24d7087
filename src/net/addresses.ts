/**
 * How the box is reached on its network: its host name, its `.local` name and the addresses
 * of its interfaces. mDNS announces them, the local CA puts them in the certificate, and the
 * join page prints them; all three follow the same answer, and `AddressWatcher` tells them
 * when it changes (a Pi joining the marina's wifi, DHCP giving a new lease).
 */
import { hostname, networkInterfaces } from 'node:os';

export interface BoxAddresses {
  /** The host name's first label, lower-case: what `<name>.local` resolves. */
  readonly hostName: string;
  readonly localName: string;
  /** IPv4 addresses of the non-loopback interfaces, in interface order. */
  readonly ipv4: readonly string[];
  /** Global and unique-local IPv6 addresses; link-local ones need a scope no URL can carry. */
  readonly ipv6: readonly string[];
}

export function boxAddresses(): BoxAddresses {
  const hostName = hostname().split('.')[0]!.toLowerCase() || 'hail';
  const ipv4: string[] = [];
  const ipv6: string[] = [];
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (address.internal) continue;
      if (address.family === 'IPv4') ipv4.push(address.address);
      else if (!address.address.toLowerCase().startsWith('fe80:')) ipv6.push(address.address);
    }
  }
  return { hostName, localName: `${hostName}.local`, ipv4, ipv6 };
}

/** The box's name as people see it ("Hail on Arthur"): the configured one, or the host name. */
export const boxName = (configured: string | undefined): string => configured ?? hostname().split('.')[0]!;

const sameAddresses = (a: BoxAddresses, b: BoxAddresses): boolean =>
  a.hostName === b.hostName && a.ipv4.join() === b.ipv4.join() && a.ipv6.join() === b.ipv6.join();

/**
 * Polls the interfaces (Linux has no portable change event Node exposes; one
 * getifaddrs() every few seconds costs nothing) and calls back when names or addresses change.
 */
export class AddressWatcher {
  private current: BoxAddresses;
  private readonly timer: NodeJS.Timeout;
  private readonly listeners: ((addresses: BoxAddresses) => void)[] = [];

  constructor(intervalMs = 5000) {
    this.current = boxAddresses();
    this.timer = setInterval(() => this.check(), intervalMs);
    this.timer.unref();
  }

  get addresses(): BoxAddresses {
    return this.current;
  }

  onChange(listener: (addresses: BoxAddresses) => void): void {
    this.listeners.push(listener);
  }

  private check(): void {
    const next = boxAddresses();
    if (sameAddresses(next, this.current)) return;
    this.current = next;
    for (const listener of this.listeners) listener(next);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
