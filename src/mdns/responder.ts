/**
 * Announces the box by mDNS/DNS-SD (RFC 6762, 6763), with bonjour-service:
 *
 * - `_http._tcp` (and `_https._tcp` when the box has a certificate) under the box's name,
 *   "Hail on Arthur", for people's browsers and service finders;
 * - `_hail._tcp` under the same name, for other boxes, with the node id, version and ports in
 *   its TXT record. Every TXT record carries the node id, which is how the box tells its own
 *   packets (multicast comes back to the sender) from a rival's.
 *
 * Names are unique on a network, and bonjour-service only gives up (and logs) when its name
 * is taken. So this module resolves conflicts itself, as RFC 6762 section 9 asks: before
 * announcing it asks for its names three times, 250 ms apart, and takes "Hail on Arthur (2)",
 * "(3)"... while someone answers; after announcing, it watches responses for its names, and
 * when another box claims one, the box with the greater node id (or any box against a
 * non-Hail responder) moves to the next free name. Either way both boxes end with distinct
 * names and nothing stops.
 *
 * bonjour-service computes the address records once per announcement, so when the box's
 * addresses change the announcement is withdrawn (goodbye packets, TTL 0) and made again;
 * `stop` sends the goodbyes on shutdown, so browsers drop the box at once.
 */
import type { Bonjour, Service } from 'bonjour-service';
import type { Log } from '../log.js';
import type { BoxAddresses } from '../net/addresses.js';

export interface Announcement {
  readonly boxName: string;
  readonly nodeId: string;
  readonly version: string;
  readonly httpPort: number;
  readonly httpsPort: number | undefined;
  /** The sync port other boxes dial (sync/), when sync is on. */
  readonly syncPort?: number;
}

interface ResourceRecord {
  readonly name: string;
  readonly type: string;
  readonly data: unknown;
}

interface Packet {
  readonly answers: readonly ResourceRecord[];
  readonly additionals: readonly ResourceRecord[];
}

/** The part of multicast-dns (bonjour-service's transport) this module listens and asks on. */
export interface MulticastDns {
  on(event: 'response', listener: (packet: Packet) => void): void;
  removeListener(event: 'response', listener: (packet: Packet) => void): void;
  query(questions: { name: string; type: string }[]): void;
  respond(answers: readonly unknown[]): void;
}

const PROBES = 3;
const PROBE_INTERVAL_MS = 250;
const MAX_SUFFIX = 99;
// The losing box's goodbyes name the same instances as ours and flush them from caches: say
// ours again once those have gone out.
const REASSERT_DELAY_MS = 1000;

const instanceName = (boxName: string, attempt: number): string => `Hail on ${boxName}${attempt > 1 ? ` (${attempt})` : ''}`;

export class MdnsResponder {
  private attempt = 1;
  private services: Service[] = [];
  private stopped = false;
  private renaming: Promise<void> | undefined;
  private reassert: NodeJS.Timeout | undefined;
  private readonly onResponse = (packet: Packet) => this.watchForRivals(packet);

  constructor(
    private readonly bonjour: Bonjour,
    private readonly mdns: MulticastDns,
    private readonly announcement: Announcement,
    private addresses: BoxAddresses,
    private readonly log: Log,
  ) {}

  /** The instance name in use: "Hail on Arthur", or with a suffix after a conflict. */
  get name(): string {
    return instanceName(this.announcement.boxName, this.attempt);
  }

  async start(): Promise<void> {
    await this.probeForFreeName();
    if (this.stopped) return;
    this.publish();
    this.mdns.on('response', this.onResponse);
  }

  /** New addresses: withdraw the old records and announce again. */
  async addressesChanged(addresses: BoxAddresses): Promise<void> {
    this.addresses = addresses;
    if (this.stopped || this.services.length === 0) return;
    await this.unpublish();
    if (!this.stopped) this.publish();
    this.log.info({ name: this.name, ipv4: addresses.ipv4 }, 'mDNS: addresses changed, announced again');
  }

  /** Goodbye packets for every service; resolves once they are sent. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reassert);
    this.mdns.removeListener('response', this.onResponse);
    await this.renaming;
    await this.unpublish();
  }

  private fqdns(name = this.name): string[] {
    return this.types().map((type) => `${name}._${type}._tcp.local`.toLowerCase());
  }

  private types(): string[] {
    return ['http', 'hail', ...(this.announcement.httpsPort === undefined ? [] : ['https'])];
  }

  private publish(): void {
    const { nodeId, version, httpPort, httpsPort, syncPort } = this.announcement;
    const host = this.addresses.localName;
    const common = { name: this.name, host, probe: false };
    const ports = {
      http: String(httpPort),
      ...(httpsPort === undefined ? {} : { https: String(httpsPort) }),
      ...(syncPort === undefined ? {} : { sync: String(syncPort) }),
    };
    this.services = [
      this.bonjour.publish({ ...common, type: 'http', port: httpPort, txt: { path: '/', node: nodeId } }),
      this.bonjour.publish({ ...common, type: 'hail', port: httpPort, txt: { node: nodeId, version, ...ports } }),
      ...(httpsPort === undefined
        ? []
        : [this.bonjour.publish({ ...common, type: 'https', port: httpsPort, txt: { path: '/', node: nodeId } })]),
    ];
    this.log.info({ name: this.name, host, types: this.types() }, 'mDNS: announced');
  }

  private unpublish(): Promise<void> {
    const services = this.services;
    this.services = [];
    if (services.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.bonjour.unpublishAll(() => resolve()));
  }

  /** Asks for our names before claiming them; moves to the next name while anyone answers. */
  private async probeForFreeName(): Promise<void> {
    while (!this.stopped) {
      const names = new Set(this.fqdns());
      let taken = false;
      const listener = (packet: Packet) => {
        if (this.rivalFor(packet, names) !== undefined) taken = true;
      };
      this.mdns.on('response', listener);
      for (let probe = 0; probe < PROBES && !taken && !this.stopped; probe++) {
        this.mdns.query([...names].map((name) => ({ name, type: 'ANY' })));
        await new Promise((resolve) => setTimeout(resolve, PROBE_INTERVAL_MS));
      }
      this.mdns.removeListener('response', listener);
      if (!taken) return;
      this.log.info({ name: this.name }, 'mDNS: name taken on the network, trying the next');
      if (!this.nextName()) return;
    }
  }

  private nextName(): boolean {
    if (this.attempt >= MAX_SUFFIX) {
      this.log.warn({ name: this.name }, 'mDNS: no free name found; announcing under this one');
      return false;
    }
    this.attempt++;
    return true;
  }

  /**
   * A rival claiming one of `names`: its node id, '' for a responder that is not Hail, or
   * undefined when the packet is ours or names none of them.
   */
  private rivalFor(packet: Packet, names: ReadonlySet<string>): string | undefined {
    let rival: string | undefined;
    for (const record of [...packet.answers, ...packet.additionals]) {
      if (!names.has(record.name.toLowerCase())) continue;
      if (record.type === 'TXT') {
        const node = nodeIdIn(record.data);
        if (node === this.announcement.nodeId) return undefined;
        rival = node ?? '';
      } else if (record.type === 'SRV') {
        const srv = record.data as { target?: string; port?: number };
        const ours =
          srv.target?.toLowerCase() === this.addresses.localName &&
          (srv.port === this.announcement.httpPort || srv.port === this.announcement.httpsPort);
        if (!ours) rival ??= '';
      }
    }
    return rival;
  }

  private watchForRivals(packet: Packet): void {
    if (this.stopped || this.renaming) return;
    const rival = this.rivalFor(packet, new Set(this.fqdns()));
    if (rival === undefined) return;
    // Of two Hail boxes, the one with the smaller node id keeps the name: both decide alike.
    if (rival !== '' && rival > this.announcement.nodeId) {
      clearTimeout(this.reassert);
      this.reassert = setTimeout(() => {
        if (!this.stopped) this.mdns.respond(this.services.flatMap((service) => service.records()));
      }, REASSERT_DELAY_MS);
      return;
    }
    this.renaming = (async () => {
      const was = this.name;
      await this.unpublish();
      if (this.nextName()) await this.probeForFreeName();
      if (!this.stopped) this.publish();
      this.log.warn({ was, now: this.name }, 'mDNS: another box uses this name; renamed');
    })().finally(() => (this.renaming = undefined));
  }
}

/** The `node=` entry of a TXT record (an array of byte strings), if any. */
function nodeIdIn(data: unknown): string | undefined {
  const entries = Array.isArray(data) ? data : [data];
  for (const entry of entries) {
    const text = Buffer.isBuffer(entry) ? entry.toString() : typeof entry === 'string' ? entry : '';
    if (text.startsWith('node=')) return text.slice(5);
  }
  return undefined;
}
