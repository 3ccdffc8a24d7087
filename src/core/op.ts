/**
 * An op is the unit of change (docs/DESIGN.md "The op log"): every message, edit, membership and
 * account change is one. `(origin, seq)` names it on every box; `hlc` orders it; `hash` chains
 * it to the op before it from the same origin and detects a fork (the same name with different
 * content): store/op-chain.ts.
 *
 * An op kind (one file each in ./ops) says three things: the schema of its body, who may do
 * it (`authorize`, run inside the commit transaction against current state, with `unchanged`
 * telling a retry that needs no new op), and how it changes the state tables (`apply`, a
 * deterministic function of the op and the state, so replaying the log rebuilds identical
 * tables). `audience` names the realtime topics that may see it, and `present` what they see
 * (never secrets such as password hashes).
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
 *
 * Ops written on another box (core/commit.ts `receive`) go through the same kinds with two
 * differences. They were authorized where they were written, so `authorize` and `unchanged`
 * are not run: their structure is checked (core/foreign-op.ts: the schema, leniently, so a
 * newer version's extra fields pass and travel on) and their hash chain, and an op that changes
 * nothing is appended all the same, so no origin's seqs have holes. And they may come with
 * fields purged (`Purgeable`, core/purge.ts): `apply` reads a purged field as what the purge
 * implies (a purged post text: the post is deleted, whether or not the delete has arrived).
 *
 * An op whose type this version does not know (a newer box wrote it) is stored, given a feed
 * position, relayed to other boxes and never sent to clients; it is not applied, and `rebuild`
 * passes over it. When an upgrade brings its kind, the next start applies every such op, in
 * feed order, after the ops that followed it were applied (core/rebuild.ts `applyNowKnown`).
 * So a kind added after the first release must give the same state applied late as in order
 * (a last-writer-wins register of its own does), and must accept the bodies older versions of
 * itself wrote; `hail rebuild --verify` compares the two states.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { Db } from '../store/database.js';
import type { UserRow } from '../store/read/users.js';
import { isPurged, type OpHead } from '../store/op-chain.js';

export interface Op<Body = unknown> extends OpHead {
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

/** An op's name on every box. */
export interface OpName {
  readonly origin: string;
  readonly seq: number;
}

export interface OpKind<S extends TSchema = TSchema> {
  readonly type: string;
  readonly body: S;
  /**
   * The local permission rule: throws an ApiError (403, 404, 409...) when the author may not
   * make this op now. Run by `commit` only: an op written on another box was authorized there.
   */
  authorize(context: AuthorizeContext<Unpurged<Static<S>>>): void;
  /**
   * The idempotence check, after `authorize`: true when the state already holds exactly what
   * this op would make (a retried request), so commit makes no op and answers as done. The
   * foreign path does not ask: an op with a seq is appended, changed anything or not, and a
   * repeat of it is known by its (origin, seq).
   */
  unchanged?(context: AuthorizeContext<Unpurged<Static<S>>>): boolean;
  apply(db: Db, op: Op<Static<S>>): void;
  /** The entities an op of this kind creates: ops parked until they existed apply after it (store/parked-ops.ts). */
  creates?(op: Op<Static<S>>): readonly string[];
  /**
   * The ops whose purgeable fields this op, once applied, leaves with no use: a post's delete
   * makes its create's and edits' text obsolete. Commit and the foreign path purge them in the
   * same transaction.
   */
  obsoletes?(db: Db, op: Op<Static<S>>): readonly OpName[];
  audience(db: Db, op: Op<Static<S>>): string[];
  present?(op: Op<Static<S>>): unknown;
}

export const defineOp = <S extends TSchema>(kind: OpKind<S>): OpKind<S> => kind;

/** A purged field as stored: its value replaced by its digest (store/op-chain.ts). */
export const PurgedField = Type.Object(
  { $purged: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$' }) },
  { additionalProperties: false, purgedField: true },
);

/** A body as a new op has it: nothing purged yet (commit refuses a draft that has). */
export type Unpurged<Body> = { [Field in keyof Body]: Exclude<Body[Field], Static<typeof PurgedField>> };

/**
 * A body field that a later op may purge (a deleted post's text, a superseded password hash):
 * its value, or its digest once purged. Declaring a field so is what makes it purgeable, and
 * makes `apply` say what a purged one means.
 */
export const Purgeable = <S extends TSchema>(schema: S) => Type.Union([schema, PurgedField]);

const isPurgedFieldSchema = (schema: TSchema): boolean => (schema as { purgedField?: boolean }).purgedField === true;
const purgeableCache = new WeakMap<OpKind, ReadonlyMap<string, TSchema>>();

/** A kind's purgeable fields, each with the schema of its value when not purged. */
function purgeable(kind: OpKind): ReadonlyMap<string, TSchema> {
  let fields = purgeableCache.get(kind);
  if (!fields) {
    const properties = (kind.body as { properties?: Record<string, { anyOf?: TSchema[] }> }).properties ?? {};
    fields = new Map(
      Object.entries(properties).flatMap(([name, field]) => {
        const members = field.anyOf ?? [];
        return members.some(isPurgedFieldSchema) ? [[name, members.find((member) => !isPurgedFieldSchema(member))!] as const] : [];
      }),
    );
    purgeableCache.set(kind, fields);
  }
  return fields;
}

export const purgeableFields = (kind: OpKind): string[] => [...purgeable(kind).keys()];

/**
 * The body as a client may read it: a purged field reads as the empty value of its type (no
 * text, no files), never as the digest marker.
 */
export function readableBody(kind: OpKind, body: unknown): unknown {
  const record = body as Record<string, unknown>;
  const purged = [...purgeable(kind)].filter(([name]) => isPurged(record[name]));
  if (purged.length === 0) return body;
  const readable = { ...record };
  for (const [name, schema] of purged) readable[name] = (schema as { type?: string }).type === 'array' ? [] : '';
  return readable;
}

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
