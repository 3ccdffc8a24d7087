/**
 * The box's face on the sync port: a self-signed X.509 certificate for its Ed25519 node key
 * (src/core/node-identity.ts), as Syncthing does for devices. Nobody checks the certificate's
 * signature chain, names or dates: there is no CA. What a peer checks is the key inside it,
 * against the fingerprint it pinned at pairing (sync/pins.ts). The certificate exists only
 * because TLS needs one to carry the key.
 *
 * Fingerprint: SHA-256 of the public key's DER SubjectPublicKeyInfo, printed as 64 lower-case
 * hex digits. Hashing the key rather than the certificate means a box can remake its
 * certificate (new dates, new serial) and stay the same box. The node id (node-identity.ts)
 * is the first 32 digits of the same hash, so a node id is a prefix of its fingerprint.
 *
 * Made at each start, in memory: it costs a millisecond and leaves nothing to rotate or expire.
 * It is valid for 100 years so that a box at 1970 or 2099 still completes a handshake (TLS
 * libraries check dates only when asked to verify, which we do not, but peers' tools may).
 */
import { createHash, webcrypto, type KeyObject } from 'node:crypto';
import { x509 } from '../tls/x509.js';

export interface NodeCertificate {
  /** PEM, for tls.createServer / tls.connect. */
  readonly cert: string;
  readonly key: string;
  readonly fingerprint: string;
}

const ED25519 = { name: 'Ed25519' };

/** The fingerprint of a public key: sha256 of its DER SubjectPublicKeyInfo, hex. */
export const keyFingerprint = (publicKey: KeyObject): string =>
  createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');

/** The fingerprint of the key in a DER certificate (as `socket.getPeerCertificate().raw` gives). */
export function certificateFingerprint(der: Buffer): string {
  const certificate = new x509.X509Certificate(der);
  return createHash('sha256').update(Buffer.from(certificate.publicKey.rawData)).digest('hex');
}

export async function makeNodeCertificate(nodeId: string, privateKey: KeyObject, publicKey: KeyObject): Promise<NodeCertificate> {
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
  const signing = await webcrypto.subtle.importKey('pkcs8', pkcs8, ED25519, false, ['sign']);
  const verifying = await webcrypto.subtle.importKey('spki', publicKey.export({ type: 'spki', format: 'der' }), ED25519, true, ['verify']);
  const now = Date.now();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: createHash('sha256').update(nodeId).update(String(now)).digest('hex').slice(0, 16),
    name: `CN=hail-${nodeId}`,
    notBefore: new Date(Date.UTC(1970, 0, 2)),
    notAfter: new Date(Date.UTC(2099, 11, 31)),
    signingAlgorithm: ED25519,
    keys: { privateKey: signing, publicKey: verifying } as webcrypto.CryptoKeyPair,
  });
  return {
    cert: certificate.toString('pem'),
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    fingerprint: keyFingerprint(publicKey),
  };
}
