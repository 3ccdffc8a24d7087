/**
 * An op is the unit of change (DESIGN.md "Data model"): every message, edit, membership and
 * account change is one. `(origin, seq)` names it on every box; `hlc` orders it; `hash`
 * detects a fork (the same name with different content).
 *
 * An op kind (one file each in ./ops) says three things: the schema of its body, who may do
 * it (`authorize`, run inside the commit transaction against current state), and how it
 * changes the state tables (`apply`, a deterministic function of the op and the state, so
 * replaying the log rebuilds identical tables). `audience` names the realtime topics that
 * may see it, and `present` what they see (never secrets such as password hashes).
 *
 * Delivery contract: what `apply` may assume, and what it must tolerate. It may assume that an
 * op's causal predecessors written on the same box (the same origin, lower seq) were applied
 * before it: a box writes its ops in seq order, and sync streams ops in the sender's local feed
 * order, which is causal. It must tolerate everything else: ops from different origins in any
 * order that keeps each origin's own order (an edit, a delete, a pin or a role change can
 * arrive before the create of what it changes, when the two come by different ways), and the
 * same op twice (a rebuild, a parked op applied again). Whatever the order, the state tables
 * must end up the same: concurrent ops commute. Kinds do it by being registers of their own
 * rows (last writer wins on `opVersion`), by deciding between rows by the versions involved
 * rather than by what is there yet (store/membership.ts, store/names.ts), and by parking an op
 * whose entity does not exist yet until an op that `creates` it is applied
 * (store/parked-ops.ts). test/fold-order.test.ts checks this on random histories.
 */
import { createHash } from 'node:crypto';
import type { Static, TSchema } from '@sinclair/typebox';
import type { Db } from '../store/database.js';
import type { UserRow } from '../store/read/users.js';

export interface Op<Body = unknown> {
  readonly origin: string;
  readonly seq: number;
  readonly hlc: string;
  readonly author: string | null;
  readonly type: string;
  readonly entity: string;
  readonly body: Body;
  readonly hash: string;
}

/** What a caller asks for; commit assigns origin, seq, hlc and hash. */
export interface OpDraft<Body = unknown> {
  readonly type: string;
  readonly entity: string;
  readonly body: Body;
}

/** A right proven outside the op log: the setup code, or an invite link's token. */
export type Grant = { readonly kind: 'setup' } | { readonly kind: 'invite'; readonly inviteId: string };

export interface AuthorizeContext<Body> {
  readonly db: Db;
  /** The author as the state knows it right now; undefined before the account exists. */
  readonly actor: UserRow | undefined;
  readonly grant: Grant | undefined;
  readonly entity: string;
  readonly body: Body;
  /** The box's idea of now, in milliseconds: for expiry checks only, never stored. */
  readonly now: number;
}

/** `apply` it, or `skip` it because the state already holds exactly this (an idempotent retry). */
export type Decision = 'apply' | 'skip';

export interface OpKind<S extends TSchema = TSchema> {
  readonly type: string;
  readonly body: S;
  authorize(context: AuthorizeContext<Static<S>>): Decision;
  apply(db: Db, op: Op<Static<S>>): void;
  /** The entities an op of this kind creates: ops parked until they existed apply after it (store/parked-ops.ts). */
  creates?(op: Op<Static<S>>): readonly string[];
  audience(db: Db, op: Op<Static<S>>): string[];
  present?(op: Op<Static<S>>): unknown;
}

export const defineOp = <S extends TSchema>(kind: OpKind<S>): OpKind<S> => kind;

/**
 * A sortable string for last-writer-wins: (hlc, origin, seq) compared as one string. Seq is
 * zero-padded so that string order is number order.
 */
export const opVersion = (op: Pick<Op, 'hlc' | 'origin' | 'seq'>): string =>
  `${op.hlc}.${op.origin}.${op.seq.toString().padStart(15, '0')}`;

/** The hlc part of a version string (its first 16 characters). */
export const versionHlc = (version: string): string => version.slice(0, 16);

/** Hashes the canonical text of an op; the body text is hashed exactly as it is stored. */
export function opHash(op: Omit<Op, 'hash' | 'body'>, bodyText: string): string {
  const head = JSON.stringify([op.origin, op.seq, op.hlc, op.author, op.type, op.entity]);
  return createHash('sha256').update(head).update('\n').update(bodyText).digest('base64url');
}

/** Topic names for realtime fan-out and feed filtering (core/permissions.ts userTopics). */
export const topic = {
  /** Everyone who may see every account: all but guests. */
  members: 'members',
  /** Administrators see every team (GET /teams), so they hear of teams they are not in too. */
  admins: 'admins',
  user: (id: string) => `user:${id}`,
  team: (id: string) => `team:${id}`,
  publicChannels: (teamId: string) => `public:${teamId}`,
  channel: (id: string) => `channel:${id}`,
};
