/**
 * Pairing on the wire (docs/PROTOCOL.md "Pairing"): its own short connection to the sync port,
 * before the two boxes have a link. B dials an address from A's invitation, checks that the
 * key A presents has the invitation's fingerprint (else B shows nothing and hangs up), and
 * sends PAIR with the secret, its name and its addresses. A, which accepted B's unknown key
 * only because an invitation is open and only for this one frame, redeems the secret, pins
 * B's key, and answers PAIRED with its name and addresses. Both then hang up; their dialers
 * open the real link with the new pins.
 */
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls, TLSSocket } from 'node:tls';
import type { Db } from '../store/database.js';
import { FrameDecoder, FrameEncoder } from './frame-codec.js';
import { asHandshake, type PairMessage } from './messages.js';
import { certificateFingerprint, type NodeCertificate } from './node-certificate.js';
import { decodeInvitation, InvitationError, redeemInvitation } from './pairing-invitation.js';
import { parseAddress, PeerStore, type Peer } from './peers.js';
import { constants as cryptoConstants } from 'node:crypto';

export const PAIRING_TIMEOUT_MS = 10_000;

export class PairingError extends Error {}

export interface OwnBox {
  readonly name: string;
  readonly addresses: readonly string[];
  readonly certificate: NodeCertificate;
}

/**
 * TLS options both ends use: TLS 1.3 only, our certificate, and the peer's asked for but
 * checked by us. Key exchange by X25519 alone: OpenSSL 3.5's default also offers the hybrid
 * post-quantum X25519MLKEM768, whose key shares add 2.3 KB to every handshake (measured: 4.8 KB
 * against 2.5 KB), most of the empty round's budget and 8 s at 2,400 bit/s. Revisit when
 * links are faster or the threat model asks for it.
 */
export const tlsOptions = (certificate: NodeCertificate) => ({
  cert: certificate.cert,
  key: certificate.key,
  minVersion: 'TLSv1.3' as const,
  maxVersion: 'TLSv1.3' as const,
  ecdhCurve: 'X25519',
  // No session tickets: a link never resumes a session (each handshake checks the pinned key
  // afresh), and OpenSSL's two TLS 1.3 tickets were bytes sent on every connection for nothing.
  secureOptions: cryptoConstants.SSL_OP_NO_TICKET,
  requestCert: true,
  rejectUnauthorized: false,
});

export const peerFingerprint = (socket: TLSSocket): string | undefined => {
  const raw = socket.getPeerCertificate(true)?.raw;
  if (!raw) return undefined;
  try {
    return certificateFingerprint(raw);
  } catch {
    return undefined;
  }
};

/** Opens TCP then TLS to `address`; resolves once the handshake is done (the peer's key not yet checked). */
export function dialTls(address: string, certificate: NodeCertificate, timeoutMs: number): Promise<{ socket: TLSSocket; raw: Socket }> {
  const target = parseAddress(address);
  if (!target) return Promise.reject(new PairingError(`${address} is not host:port`));
  return new Promise((resolve, reject) => {
    const raw = connectTcp({ host: target.host, port: target.port });
    const socket = connectTls({ socket: raw, ...tlsOptions(certificate), servername: undefined });
    // A TLSSocket made over a socket of ours does not close that socket when it is destroyed.
    socket.once('close', () => raw.destroy());
    const timer = setTimeout(() => fail(new Error(`no TLS handshake with ${address} within ${timeoutMs / 1000} s`)), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      socket.destroy();
      raw.destroy();
      reject(error);
    };
    socket.once('error', fail);
    raw.once('error', fail);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      socket.removeListener('error', fail);
      raw.removeListener('error', fail);
      resolve({ socket, raw });
    });
  });
}

/** One message each way on a fresh connection, with a deadline. */
function exchange(
  socket: TLSSocket,
  first: unknown | undefined,
  onMessage: (message: unknown) => Promise<unknown | undefined>,
): Promise<void> {
  const encoder = new FrameEncoder();
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => finish(new PairingError('no answer in time')), PAIRING_TIMEOUT_MS);
    let finished = false;
    const finish = (error?: Error) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      decoder.close();
      socket.removeAllListeners('data');
      if (error) {
        socket.destroy();
        encoder.close();
        reject(error);
      } else resolve();
    };
    const decoder = new FrameDecoder(
      async (message) => {
        const answer = await onMessage(message);
        if (answer !== undefined) {
          const frame = await encoder.encode(answer);
          socket.end(frame);
        } else socket.end();
        encoder.close();
        finish();
      },
      (error) => finish(error),
    );
    socket.on('data', (bytes: Buffer) => decoder.push(bytes));
    // The answer may still be inflating when the connection closes behind it: let it finish first.
    socket.once(
      'close',
      () =>
        void decoder
          .settled()
          .then(() => finish(new PairingError('the other box hung up (the invitation was used, expired, or is not from it)'))),
    );
    socket.once('error', (error) => finish(error));
    if (first !== undefined)
      void encoder.encode(first).then(
        (frame) => socket.write(frame),
        (error: Error) => finish(error),
      );
  });
}

/** B's side: use an invitation. Resolves with A, pinned. */
export async function pairWith(invitationText: string, own: OwnBox, peers: PeerStore, now: number): Promise<Peer> {
  const invitation = decodeInvitation(invitationText);
  const problems: string[] = [];
  for (const address of invitation.addresses) {
    let connection: { socket: TLSSocket };
    try {
      connection = await dialTls(address, own.certificate, PAIRING_TIMEOUT_MS);
    } catch (error) {
      problems.push(`${address}: ${(error as Error).message}`);
      continue;
    }
    const { socket } = connection;
    if (peerFingerprint(socket) !== invitation.fingerprint) {
      socket.destroy();
      problems.push(`${address}: the box there has another key than the invitation names`);
      continue;
    }
    let peer: Peer | undefined;
    const pair: PairMessage = { t: 'pair', secret: invitation.secret, name: own.name, addresses: [...own.addresses] };
    await exchange(socket, pair, async (message) => {
      const answer = asHandshake(message);
      if (answer.t !== 'paired') throw new PairingError(`expected paired, got ${answer.t}`);
      const addresses = [...new Set([...invitation.addresses, ...answer.addresses])];
      peer = peers.pin(invitation.fingerprint, answer.name, addresses, now);
      return undefined;
    });
    return peer!;
  }
  throw new PairingError(`could not reach ${invitation.name}: ${problems.join('; ') || 'the invitation names no address'}`);
}

/** A's side: an unknown key dialled while an invitation is open. Resolves with B, pinned; rejects and hangs up otherwise. */
export async function answerPairing(
  socket: TLSSocket,
  fingerprint: string,
  own: OwnBox,
  db: Db,
  peers: PeerStore,
  now: () => number,
): Promise<Peer> {
  let peer: Peer | undefined;
  await exchange(socket, undefined, async (message) => {
    const pair = asHandshake(message);
    if (pair.t !== 'pair') throw new PairingError(`an unknown box sent ${pair.t} instead of pair`);
    if (!redeemInvitation(db, pair.secret, now()))
      throw new PairingError('an unknown box offered a pairing secret that is not open here (used, expired, or wrong)');
    peer = peers.pin(
      fingerprint,
      pair.name,
      pair.addresses.filter((address) => parseAddress(address) !== undefined),
      now(),
    );
    return { t: 'paired', name: own.name, addresses: [...own.addresses] };
  });
  return peer!;
}

export { InvitationError };
