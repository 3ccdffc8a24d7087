/**
 * What the box's own CA may vouch for: X.509 name constraints (RFC 5280, 4.2.1.10), so that
 * whoever takes the SD card, and with it `ca.key`, cannot sign a `www.bank.example` that the
 * phones which trusted the box would accept. Permitted: the box's host name, everything under
 * `.local`, `localhost`, and the address ranges a LAN uses (private, shared/CGNAT, loopback and
 * link-local, IPv4 and IPv6). A certificate naming anything else fails to verify, whatever key
 * signed it.
 *
 * The constraints bind the server certificate too: it may only name what they permit, so a
 * public address of the box is left out of it (phones reach such a box with a certificate of
 * its own, `tls_cert`). A CA made before constraints existed permits everything; the same
 * reading of the CA serves both.
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate, GeneralName, GeneralSubtree, GeneralSubtrees, id_ce_nameConstraints, NameConstraints } from '@peculiar/asn1-x509';
import { BlockList, isIPv4 } from 'node:net';

export { id_ce_nameConstraints };

const LAN_RANGES: readonly [string, number][] = [
  ['10.0.0.0', 8],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['100.64.0.0', 10],
  ['169.254.0.0', 16],
  ['127.0.0.0', 8],
  ['fc00::', 7],
  ['fe80::', 10],
  ['::1', 128],
];

/** The DER value of the CA's name constraints extension. */
export function boxCaNameConstraints(hostName: string): ArrayBuffer {
  const names = [...new Set(['local', 'localhost', hostName])].map((dNSName) => new GeneralName({ dNSName }));
  const ranges = LAN_RANGES.map(([address, prefix]) => new GeneralName({ iPAddress: `${address}/${prefix}` }));
  const permittedSubtrees = new GeneralSubtrees([...names, ...ranges].map((base) => new GeneralSubtree({ base })));
  return AsnConvert.serialize(new NameConstraints({ permittedSubtrees }));
}

export interface Permits {
  dns(name: string): boolean;
  ip(address: string): boolean;
}

/** What the CA in `caDer` permits, read from its certificate. */
export function permitsOf(caDer: Uint8Array): Permits {
  const certificate = AsnConvert.parse(caDer, Certificate);
  const extension = certificate.tbsCertificate.extensions?.find((found) => found.extnID === id_ce_nameConstraints);
  if (!extension) return { dns: () => true, ip: () => true };
  const subtrees = AsnConvert.parse(extension.extnValue.buffer, NameConstraints).permittedSubtrees ?? [];
  const dnsBases = subtrees.flatMap(({ base }) => (base.dNSName === undefined ? [] : [base.dNSName.toLowerCase()]));
  const ranges = subtrees.flatMap(({ base }) => (base.iPAddress === undefined ? [] : [base.iPAddress.split('/') as [string, string]]));
  const addresses = new BlockList();
  for (const [address, prefix] of ranges) addresses.addSubnet(address, Number(prefix), isIPv4(address) ? 'ipv4' : 'ipv6');
  // RFC 5280: a DNS constraint permits the name itself and every name under it; a kind of name
  // no constraint mentions is not constrained.
  return {
    dns: (name) => dnsBases.length === 0 || dnsBases.some((base) => name.toLowerCase() === base || name.toLowerCase().endsWith(`.${base}`)),
    ip: (address) => ranges.length === 0 || addresses.check(address, isIPv4(address) ? 'ipv4' : 'ipv6'),
  };
}
