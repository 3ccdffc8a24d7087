/**
 * An op is the unit of change (DESIGN.md "Data model"): every message, edit, membership and
 * account change is one. `(origin, seq)` names it on every box; `hlc` orders it; `hash` chains
 * it to the op before it from the same origin and detects a fork (the same name with different
 * content): store/op-chain.ts.
 *
 * An op kind (one file each in ./ops) says three things: the schema of its body, who may do
 * it (`authorize`, run inside the commit transaction against current state), and how it
 * changes the state tables (`apply`, a deterministic function of the op and the state, so
 * replaying the log rebuilds identical tables). `audience` names the realtime topics that
 * may see it, and `present` what they see (never secrets such as password hashes).
 */
import type { Static, TSchema } from '@sinclair/typebox';
import type { Db } from '../store/database.js';
import type { UserRow } from './permissions.js';

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
