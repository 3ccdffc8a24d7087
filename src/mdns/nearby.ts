/**
 * Other boxes and Signal K servers on the network, found by browsing `_hail._tcp` and
 * `_signalk-http._tcp` (a boat's instrument server: later the source of GPS time and position).
 * Admins see the list in GET /api/v1/status; pairing starts from it.
 */
import type { Bonjour, Browser, Service } from 'bonjour-service';

export interface NearbyService {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly addresses: readonly string[];
  readonly txt: Readonly<Record<string, string>>;
}

export interface NearbyList {
  readonly hail: readonly NearbyService[];
  readonly signalk: readonly NearbyService[];
}

export class Nearby {
  private readonly hail: Browser;
  private readonly signalk: Browser;

  constructor(
    bonjour: Bonjour,
    private readonly ownNodeId: string,
    onHailSeen: () => void = () => {},
  ) {
    this.hail = bonjour.find({ type: 'hail' });
    // A paired box that appears is dialled at once, not at the end of its backoff.
    this.hail.on('up', () => onHailSeen());
    this.signalk = bonjour.find({ type: 'signalk-http' });
  }

  list(): NearbyList {
    return {
      hail: this.found(this.hail).filter((service) => service.txt.node !== this.ownNodeId),
      signalk: this.found(this.signalk),
    };
  }

  /** Asks again, after the box's network changed. */
  refresh(): void {
    this.hail.update();
    this.signalk.update();
  }

  stop(): void {
    this.hail.stop();
    this.signalk.stop();
  }

  private found(browser: Browser): NearbyService[] {
    browser.expire();
    return browser.services.map((service: Service) => ({
      name: service.name,
      host: service.host,
      port: service.port,
      addresses: [...(service.addresses ?? [])],
      txt: Object.fromEntries(Object.entries((service.txt ?? {}) as Record<string, unknown>).map(([key, value]) => [key, String(value)])),
    }));
  }
}

export const NOTHING_NEARBY: NearbyList = { hail: [], signalk: [] };
