/**
 * The addresses people type or scan to reach the box, as the join and trust pages print them.
 * By IP first: Android resolves `.local` names badly, and an IP always works on the boat's
 * wifi. A server bound to one address is reachable only there.
 *
 * Which address comes first matters: it is the one in the QR code pinned on the saloon wall. A
 * Pi often has eth0 or a VPN before wlan0, so interface order would print an address the crew's
 * phones cannot reach. A page asked for on one of the box's addresses puts that one first (the
 * person printing it reached the box there, so the others on that network can too); the rest
 * are listed after it.
 */
import type { Config } from '../../config.js';
import { boxAddresses, type BoxAddresses } from '../../net/addresses.js';

export interface Reach {
  readonly boxName: string;
  /** The address the server listens on (`0.0.0.0` for all). */
  readonly host: string;
  readonly httpPort: () => number;
  /** Undefined while the box has no certificate. */
  readonly httpsPort: () => number | undefined;
  readonly addresses: () => BoxAddresses;
  /** The local CA's certificate file, when the box made one (`hail tls init`). */
  readonly caCertFile: () => string | undefined;
}

const WILDCARDS = new Set(['0.0.0.0', '::']);

function origin(scheme: 'http' | 'https', host: string, port: number): string {
  const defaultPort = scheme === 'http' ? 80 : 443;
  const name = host.includes(':') ? `[${host}]` : host;
  return `${scheme}://${name}${port === defaultPort ? '' : `:${port}`}`;
}

/** The same, for a command at the box: the configured server as it would listen now. */
export const configuredBoxUrls = (config: Pick<Config, 'host' | 'port'>): BoxUrls =>
  boxUrls({ host: config.host, httpPort: () => config.port, httpsPort: () => undefined, addresses: boxAddresses });

export interface BoxUrls {
  /** Plain HTTP by IP address, the first being the one to print. */
  readonly byIp: readonly string[];
  readonly byName: string | undefined;
  readonly httpsByName: string | undefined;
}

/**
 * The box's URLs; `arrivedAt` is the Host header of the request that asks, and its address, when
 * it is one of the box's own, comes first. Any other host (a name, or one a hostile page chose)
 * changes nothing.
 */
export function boxUrls(reach: Pick<Reach, 'host' | 'httpPort' | 'httpsPort' | 'addresses'>, arrivedAt?: string): BoxUrls {
  const addresses = reach.addresses();
  const everywhere = WILDCARDS.has(reach.host);
  const own = everywhere ? [...addresses.ipv4, ...addresses.ipv6] : [reach.host];
  const asked = arrivedAt === undefined ? undefined : hostAddress(arrivedAt);
  const ips = own.includes(asked ?? '') ? [asked!, ...own.filter((ip) => ip !== asked)] : own;
  const httpsPort = reach.httpsPort();
  return {
    byIp: (ips.length > 0 ? ips : ['127.0.0.1']).map((ip) => `${origin('http', ip, reach.httpPort())}/`),
    byName: everywhere ? `${origin('http', addresses.localName, reach.httpPort())}/` : undefined,
    httpsByName: everywhere && httpsPort !== undefined ? `${origin('https', addresses.localName, httpsPort)}/` : undefined,
  };
}

/** The address in a Host header (`192.168.4.1:8080`, `[fd00::5]:8080`), lower-case, without its port. */
function hostAddress(host: string): string {
  const bracketed = /^\[([^\]]+)\]/.exec(host);
  if (bracketed) return bracketed[1]!.toLowerCase();
  return host.split(':')[0]!.toLowerCase();
}
