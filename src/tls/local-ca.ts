/**
 * The box's own certificate authority, for a LAN where no public CA can vouch for
 * `arthur.local` or 192.168.4.1. `hail tls init` makes the CA (10 years: phones trust it once,
 * on the /trust page) and a server certificate it signs; the server issues a new server
 * certificate whenever the box's names or addresses are no longer all in it.
 *
 * Rules the phones impose: iOS and macOS refuse server certificates valid for more than 825
 * days even under a user-installed root, and every browser ignores the subject's CN, so the
 * names and addresses go in the subjectAltName; the leaf has serverAuth in its extended key
 * usage. Keys are ECDSA P-256: small, fast on a Pi, accepted everywhere. The CA may vouch only
 * for the box's LAN names and addresses (name-constraints.ts).
 *
 * Files, in `<data-dir>/tls/` (keys mode 0600): `ca.crt`, `ca.key`, `server.crt` (the leaf
 * then the CA), `server.key`. Each is written beside and renamed into place, so a reader (the
 * HTTPS listener's reload) never sees half a file.
 */
import { X509Certificate as NodeCertificate, randomBytes, webcrypto } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { syncDirectory, writeDurably } from '../files/durable-write.js';
import type { BoxAddresses } from '../net/addresses.js';
import { boxCaNameConstraints, id_ce_nameConstraints, permitsOf, type Permits } from './name-constraints.js';
// The X.509 library (and its reflection polyfill) costs a large share of a cold start on a Pi;
// it is loaded only when a certificate is actually made.
const loadX509 = async () => (await import('./x509.js')).x509;

const DAY_MS = 24 * 3600_000;
const CA_DAYS = 3650;
const LEAF_DAYS = 825;
// Phones whose clock is a little behind the box must not see a certificate from the future.
const BACKDATE_MS = DAY_MS;
// A leaf this close to its end is replaced as if a name had changed.
const RENEW_BEFORE_MS = 30 * DAY_MS;
const KEY_ALGORITHM: webcrypto.EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const SIGNING: webcrypto.EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };

export interface LocalCaFiles {
  readonly dir: string;
  readonly caCert: string;
  readonly caKey: string;
  readonly cert: string;
  readonly key: string;
}

export function localCaFiles(dataDir: string): LocalCaFiles {
  const dir = join(dataDir, 'tls');
  return { dir, caCert: join(dir, 'ca.crt'), caKey: join(dir, 'ca.key'), cert: join(dir, 'server.crt'), key: join(dir, 'server.key') };
}

export const hasLocalCa = (dataDir: string): boolean => existsSync(localCaFiles(dataDir).caKey);

/** The CA's certificate and key files, when the box has made its CA (for backups). */
export function boxCa(dataDir: string): { cert: string; key: string } | undefined {
  const files = localCaFiles(dataDir);
  return existsSync(files.caKey) && existsSync(files.caCert) ? { cert: files.caCert, key: files.caKey } : undefined;
}

/** What the server certificate must name: host name, `.local` name, `localhost` and every address, as far as the CA may vouch for them. */
function requiredNames(addresses: BoxAddresses, permits: Permits): { dns: string[]; ip: string[] } {
  return {
    dns: [...new Set([addresses.hostName, addresses.localName, 'localhost'])].filter(permits.dns),
    ip: ['127.0.0.1', '::1', ...addresses.ipv4, ...addresses.ipv6].filter(permits.ip),
  };
}

const permitsOfCa = (files: LocalCaFiles): Permits => permitsOf(new NodeCertificate(readFileSync(files.caCert)).raw);

export interface InitResult {
  readonly createdCa: boolean;
  readonly files: LocalCaFiles;
  readonly leaf: NodeCertificate;
}

/** Makes the CA unless it exists (phones already trust it), then a new server certificate. */
export async function initLocalCa(dataDir: string, addresses: BoxAddresses, boxName: string, now: number): Promise<InitResult> {
  const files = localCaFiles(dataDir);
  mkdirSync(files.dir, { recursive: true, mode: 0o700 });
  const createdCa = !existsSync(files.caKey) || !existsSync(files.caCert);
  if (createdCa) {
    const x509 = await loadX509();
    const keys = await generateKeys();
    const notBefore = new Date(now - BACKDATE_MS);
    const ca = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: serialNumber(),
      name: [{ CN: [`Hail on ${boxName} local CA`] }, { O: ['Hail'] }],
      notBefore,
      notAfter: new Date(notBefore.getTime() + CA_DAYS * DAY_MS),
      signingAlgorithm: SIGNING,
      keys,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
        new x509.Extension(id_ce_nameConstraints, true, boxCaNameConstraints(addresses.hostName)),
      ],
    });
    await writeAtomically(files.caKey, await privateKeyPem(x509, keys.privateKey));
    await writeAtomically(files.caCert, ca.toString('pem') + '\n');
  }
  const leaf = await issueLeaf(files, addresses, now);
  return { createdCa, files, leaf };
}

/** Issues a new server certificate when the current one misses a name or address or nears its end. */
export async function renewLeafIfNeeded(dataDir: string, addresses: BoxAddresses, now: number): Promise<boolean> {
  const files = localCaFiles(dataDir);
  if (
    existsSync(files.cert) &&
    leafCovers(new NodeCertificate(readFileSync(files.cert)), requiredNames(addresses, permitsOfCa(files)), now)
  )
    return false;
  await issueLeaf(files, addresses, now);
  return true;
}

function leafCovers(leaf: NodeCertificate, { dns, ip }: { dns: string[]; ip: string[] }, now: number): boolean {
  if (Date.parse(leaf.validTo) - now < RENEW_BEFORE_MS || Date.parse(leaf.validFrom) > now) return false;
  const names = (leaf.subjectAltName ?? '').split(', ');
  return dns.every((name) => names.includes(`DNS:${name}`)) && ip.every((address) => leaf.checkIP(address) !== undefined);
}

async function issueLeaf(files: LocalCaFiles, addresses: BoxAddresses, now: number): Promise<NodeCertificate> {
  const x509 = await loadX509();
  const ca = new x509.X509Certificate(readFileSync(files.caCert, 'utf8'));
  const caKey = await webcrypto.subtle.importKey(
    'pkcs8',
    x509.PemConverter.decodeFirst(readFileSync(files.caKey, 'utf8')),
    KEY_ALGORITHM,
    false,
    ['sign'],
  );
  const keys = await generateKeys();
  const { dns, ip } = requiredNames(addresses, permitsOfCa(files));
  const notBefore = new Date(now - BACKDATE_MS);
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: [{ CN: [addresses.localName] }],
    issuer: ca.subject,
    notBefore,
    notAfter: new Date(notBefore.getTime() + LEAF_DAYS * DAY_MS),
    signingAlgorithm: SIGNING,
    publicKey: keys.publicKey,
    signingKey: caKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        ...dns.map((value) => ({ type: 'dns' as const, value })),
        ...ip.map((value) => ({ type: 'ip' as const, value })),
      ]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca),
    ],
  });
  // The key first: the listener reloads on the certificate's change and must find its key.
  await writeAtomically(files.key, await privateKeyPem(x509, keys.privateKey));
  await writeAtomically(files.cert, `${leaf.toString('pem')}\n${ca.toString('pem')}\n`);
  return new NodeCertificate(leaf.toString('pem'));
}

const generateKeys = () => webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify']) as Promise<webcrypto.CryptoKeyPair>;

const privateKeyPem = async (x509: Awaited<ReturnType<typeof loadX509>>, key: webcrypto.CryptoKey): Promise<string> =>
  x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY') + '\n';

// Positive (top bit clear) and unpredictable, as RFC 5280 and the CA/Browser Forum ask.
const serialNumber = (): string => {
  const bytes = randomBytes(16);
  bytes[0]! &= 0x7f;
  return bytes.toString('hex');
};

async function writeAtomically(path: string, text: string): Promise<void> {
  const partial = `${path}.partial`;
  await writeDurably(
    partial,
    (async function* () {
      yield Buffer.from(text);
    })(),
    'w',
  );
  renameSync(partial, path);
  syncDirectory(dirname(path));
}
