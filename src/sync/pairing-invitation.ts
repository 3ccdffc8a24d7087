/**
 * A pairing invitation (docs/PROTOCOL.md "Pairing"): one string an administrator carries from
 * box A to box B (typed, pasted or scanned as a QR code). It holds A's sync addresses, A's key
 * fingerprint and a one-time secret. When B dials A, the fingerprint proves to B that it
 * reached A (before B shows the secret), and the secret proves to A that B was invited. A keeps
 * only the secret's hash, with an expiry (24 hours unless asked otherwise); using it deletes it.
 *
 * Form: `hail1:` and the base64url of a MessagePack map {n: A's name, f: fingerprint (32
 * bytes), s: secret (18 bytes), a: ["host:port", ...]}. Binary inside keeps the string short
 * enough for a small QR code (about 120 characters for one address).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { pack, unpack } from 'msgpackr';
import { sql, type Db } from '../store/database.js';

const PREFIX = 'hail1:';
export const DEFAULT_INVITATION_HOURS = 24;

export interface Invitation {
  readonly name: string;
  readonly fingerprint: string;
  readonly secret: string;
  readonly addresses: readonly string[];
}

export class InvitationError extends Error {}

export function encodeInvitation(invitation: Invitation): string {
  const map = {
    n: invitation.name,
    f: Buffer.from(invitation.fingerprint, 'hex'),
    s: Buffer.from(invitation.secret, 'base64url'),
    a: invitation.addresses,
  };
  return PREFIX + Buffer.from(pack(map)).toString('base64url');
}

export function decodeInvitation(text: string): Invitation {
  const trimmed = text.trim();
  if (!trimmed.startsWith(PREFIX)) throw new InvitationError('not a Hail pairing invitation (it starts with hail1:)');
  let map: unknown;
  try {
    map = unpack(Buffer.from(trimmed.slice(PREFIX.length), 'base64url'));
  } catch {
    throw new InvitationError('the invitation is damaged: copy it again whole');
  }
  const { n, f, s, a } = (map ?? {}) as { n?: unknown; f?: unknown; s?: unknown; a?: unknown };
  const valid =
    typeof n === 'string' &&
    n.length > 0 &&
    n.length <= 64 &&
    f instanceof Uint8Array &&
    f.length === 32 &&
    s instanceof Uint8Array &&
    s.length >= 16 &&
    s.length <= 48 &&
    Array.isArray(a) &&
    a.length <= 16 &&
    a.every((address) => typeof address === 'string' && address.length <= 270);
  if (!valid) throw new InvitationError('the invitation is damaged: copy it again whole');
  return { name: n, fingerprint: Buffer.from(f).toString('hex'), secret: Buffer.from(s).toString('base64url'), addresses: a as string[] };
}

const hashOf = (secret: string) => createHash('sha256').update(secret).digest('base64url');

/** Makes a one-time secret and keeps its hash; the invitation is shown only now. */
export function createInvitation(
  db: Db,
  now: number,
  hours: number,
  box: { name: string; fingerprint: string; addresses: readonly string[] },
): { invitation: string; expiresAt: number } {
  const secret = randomBytes(18).toString('base64url');
  const expiresAt = now + hours * 3_600_000;
  sql(db, 'DELETE FROM sync_invitations WHERE expires_at <= ?').run(now);
  sql(db, 'INSERT INTO sync_invitations (secret_hash, created_at, expires_at) VALUES (?, ?, ?)').run(hashOf(secret), now, expiresAt);
  return { invitation: encodeInvitation({ ...box, secret }), expiresAt };
}

export const hasOpenInvitation = (db: Db, now: number): boolean =>
  sql<[number], { n: number }>(db, 'SELECT count(*) AS n FROM sync_invitations WHERE expires_at > ?').get(now)!.n > 0;

/** Uses up the invitation whose secret this is; false when none matches or it expired. */
export function redeemInvitation(db: Db, secret: string, now: number): boolean {
  const hash = hashOf(secret);
  const rows = sql<[number], { secret_hash: string }>(db, 'SELECT secret_hash FROM sync_invitations WHERE expires_at > ?').all(now);
  const match = rows.find(
    (row) => row.secret_hash.length === hash.length && timingSafeEqual(Buffer.from(row.secret_hash), Buffer.from(hash)),
  );
  if (!match) return false;
  sql(db, 'DELETE FROM sync_invitations WHERE secret_hash = ?').run(match.secret_hash);
  return true;
}
