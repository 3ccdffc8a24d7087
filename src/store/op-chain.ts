/**
 * The integrity of the op log. An op's hash covers its head (origin, seq, hlc, author, type,
 * entity), the digest of its body, and the hash of the op before it from the same origin (the
 * empty string before seq 1). So each origin's ops form a hash chain: a box that relays another
 * box's ops cannot alter, drop or insert one without the chain breaking, and a signature over
 * an origin's latest hash vouches for everything before it.
 *
 * The body digest is made field by field, so that a field can be forgotten. Each top-level
 * field of the body stands in it as the SHA-256 of its canonical JSON (RFC 8785, so every box
 * and every version computes the same bytes whatever order the keys arrived in); the body
 * digest is the SHA-256 of the canonical JSON of the body with each field replaced by that
 * field digest. Purging a field (a deleted post's text, a superseded password hash) replaces
 * its stored value by a marker `{"$purged": <the field digest>}`: the body digest, the hash and
 * the chain still verify, and the rest of the body stays readable. The rule needs no knowledge
 * of the op's kind, so a box verifies ops of kinds it does not know yet (a newer version's).
 */
import canonicalize from 'canonicalize';
import { hash } from 'node:crypto';

/** What an op's hash covers besides its body's digest and the chain. */
export interface OpHead {
  readonly origin: string;
  readonly seq: number;
  readonly hlc: string;
  readonly author: string | null;
  readonly type: string;
  readonly entity: string;
}

/** The `previous` of an origin's first op. */
export const CHAIN_START = '';

/** A field whose value was forgotten: only its digest is kept. */
export interface PurgedField {
  readonly $purged: string;
}

const DIGEST = /^[A-Za-z0-9_-]{43}$/;

export function isPurged(value: unknown): value is PurgedField {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return (
    keys.length === 1 &&
    keys[0] === '$purged' &&
    typeof (value as PurgedField).$purged === 'string' &&
    DIGEST.test((value as PurgedField).$purged)
  );
}

// The one-shot form: a Hash object per digest costs more than the hashing (several per op).
const sha256 = (text: string): string => hash('sha256', text, 'base64url');

/**
 * The canonical JSON of a value. Throws for what has none: a lone UTF-16 surrogate in a string
 * (JSON.parse accepts `"\ud800"`, RFC 8785 does not).
 */
function canonical(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('a value without a JSON form');
  return text;
}

export const fieldDigest = (value: unknown): string => (isPurged(value) ? value.$purged : sha256(canonical(value)));

export function bodyDigest(body: unknown): string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new TypeError('an op body is a JSON object');
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(body)) {
    if (value !== undefined) fields[name] = fieldDigest(value);
  }
  return sha256(canonical(fields));
}

export const opHash = (head: OpHead, digest: string, previous: string): string =>
  sha256(canonical([head.origin, head.seq, head.hlc, head.author, head.type, head.entity, digest, previous]));

/** The body with the named fields forgotten; the same object when none was left to forget. */
export function purgeFields<Body extends object>(body: Body, fields: readonly string[]): Body {
  const record = body as Record<string, unknown>;
  const forget = fields.filter((name) => record[name] !== undefined && !isPurged(record[name]));
  if (forget.length === 0) return body;
  const purged = { ...record };
  for (const name of forget) purged[name] = { $purged: fieldDigest(record[name]) };
  return purged as Body;
}
