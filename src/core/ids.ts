/**
 * Entity ids are UUIDv7 strings minted by whoever creates the entity: a time-ordered prefix
 * keeps B-tree inserts local, and a client-minted id makes a retried request the same entity
 * forever. Ids that must be the same on every box without coordination (a direct-message
 * channel between two people) are UUIDv5 names under Hail's namespace.
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { v5 as uuidv5, v7 as uuidv7 } from 'uuid';

const HAIL_NAMESPACE = '5b8f3c1e-2d4a-4e6b-9c0d-7a1f2e3b4c5d';

export const newId = (): string => uuidv7();

export const nameId = (name: string): string => uuidv5(name, HAIL_NAMESPACE);

/** 128 random bits in hex: a database's write identity (docs/DESIGN.md "The op log"). */
export const newOrigin = (): string => randomBytes(16).toString('hex');

/** A secret for a URL or a cookie: 32 random bytes, base64url. */
export const newSecret = (): string => randomBytes(32).toString('base64url');

/** What is stored of a secret (sessions, reset links, invites): whoever reads the database cannot use it. */
export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('base64url');

// No 0/O, 1/I/L: read off a screen or a piece of paper and typed on a phone.
const READABLE = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** A secret meant to be read and typed by a person: groups of four, `ABCD-EFGH-...` (about 5 bits a letter). */
export const newReadableSecret = (groups: number): string =>
  Array.from({ length: groups }, () => Array.from({ length: 4 }, () => READABLE[randomInt(READABLE.length)]).join('')).join('-');

export const ID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
