/**
 * The messages of the sync protocol (docs/PROTOCOL.md, version PROTOCOL_VERSION), their
 * schemas, and the compact form of an op on the wire. Every message a peer sends is checked
 * against its schema before anything acts on it; one that fails is a bad frame and closes the
 * link (sync/link.ts).
 *
 * An op travels as a tuple, and only what the receiver cannot recompute: no hash (recomputed
 * from the chain), no seq after an origin's first op in a frame (it is the previous one plus
 * one: seqs are dense and sent in order), the clock as a difference from the previous op's,
 * and UUIDs as their 16 bytes rather than 36 characters (random bytes do not compress).
 */
import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { decodeHlc, encodeHlc } from '../core/hlc.js';
import type { WireOp } from './op-store.js';

export const PROTOCOL_VERSION = 1;
/** What this implementation can do beyond version 1's core; a peer ignores names it does not know. */
export const CAPABILITIES = ['ops'] as const;

const Origin = Type.String({ pattern: '^[0-9a-f]{32}$' });
const NodeId = Type.String({ pattern: '^[0-9a-f]{32}$' });
const Name = Type.String({ minLength: 1, maxLength: 64 });
const Address = Type.String({ minLength: 3, maxLength: 270 });
const Count = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
const Bytes = (length: number) => Type.Uint8Array({ minByteLength: length, maxByteLength: length });
const VectorSchema = Type.Record(Origin, Count, { maxProperties: 4096 });

/** [origin, node key (raw Ed25519, 32 bytes), signature by that key (64 bytes)]. */
const OriginRecord = Type.Tuple([Origin, Bytes(32), Bytes(64)]);

/** [origin index, seq or null, ms since previous op, counter, author, type, entity, body text]. */
const OpTuple = Type.Tuple([
  Type.Integer({ minimum: 0, maximum: 4095 }),
  Type.Union([Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }), Type.Null()]),
  Type.Integer({ minimum: -(2 ** 48), maximum: 2 ** 48 }),
  Type.Integer({ minimum: 0, maximum: 0xffff }),
  Type.Union([Bytes(16), Type.String({ maxLength: 64 }), Type.Null()]),
  Type.String({ minLength: 1, maxLength: 64 }),
  Type.Union([Bytes(16), Type.String({ minLength: 1, maxLength: 200 })]),
  Type.String({ maxLength: 60000 }),
]);

/** [origin index, seq, signature of the origin's node key over that chain head]. */
const HeadTuple = Type.Tuple([Type.Integer({ minimum: 0, maximum: 4095 }), Count, Bytes(64)]);

export const Hello = Type.Object({
  t: Type.Literal('hello'),
  v: Type.Integer({ minimum: 0 }),
  node: NodeId,
  name: Name,
  caps: Type.Array(Type.String({ maxLength: 32 }), { maxItems: 32 }),
  // The sender's idea of now in seconds (four bytes on the wire, where milliseconds take eight):
  // evidence for a box whose own clock is clearly wrong (core/box-time.ts).
  now: Type.Optional(Type.Integer({ minimum: 0, maximum: 0xffffffff })),
});
export const Pair = Type.Object({
  t: Type.Literal('pair'),
  secret: Type.String({ minLength: 1, maxLength: 64 }),
  name: Name,
  addresses: Type.Array(Address, { maxItems: 16 }),
});
export const Paired = Type.Object({ t: Type.Literal('paired'), name: Name, addresses: Type.Array(Address, { maxItems: 16 }) });
export const VectorMessage = Type.Object({
  t: Type.Literal('vector'),
  v: VectorSchema,
  forked: Type.Array(Origin, { maxItems: 4096 }),
  /** In a link's first vector only: the hash of the op at each origin's seq, so that a fork at the same seqs shows. */
  h: Type.Optional(Type.Record(Origin, Type.String({ maxLength: 128 }), { maxProperties: 4096 })),
});
export const OpsMessage = Type.Object({
  t: Type.Literal('ops'),
  n: Count,
  o: Type.Array(Origin, { minItems: 1, maxItems: 4096 }),
  records: Type.Array(OriginRecord, { maxItems: 4096 }),
  ops: Type.Array(OpTuple, { minItems: 1, maxItems: 20000 }),
  heads: Type.Array(HeadTuple, { maxItems: 20000 }),
});
export const Ack = Type.Object({ t: Type.Literal('ack'), n: Count, v: VectorSchema });

const HandshakeMessage = Type.Union([Hello, Pair, Paired]);
const LinkMessage = Type.Union([VectorMessage, OpsMessage, Ack]);
const checkHandshake = TypeCompiler.Compile(HandshakeMessage);
const checkLink = TypeCompiler.Compile(LinkMessage);

export type HelloMessage = Static<typeof Hello>;
export type PairMessage = Static<typeof Pair>;
export type PairedMessage = Static<typeof Paired>;
export type HandshakeMessage = Static<typeof HandshakeMessage>;
export type LinkMessage = Static<typeof LinkMessage>;
export type OpsFrame = Static<typeof OpsMessage>;
export type OriginRecordTuple = Static<typeof OriginRecord>;

export class ProtocolError extends Error {}

function describe(check: typeof checkLink | typeof checkHandshake, message: unknown): string {
  const error = check.Errors(message).First();
  const kind =
    typeof message === 'object' && message !== null && 't' in message ? String((message as { t: unknown }).t).slice(0, 20) : typeof message;
  return `${kind} message fails its schema${error ? ` at ${error.path || '/'}: ${error.message}` : ''}`;
}

export function asHandshake(message: unknown): HandshakeMessage {
  if (!checkHandshake.Check(message)) throw new ProtocolError(describe(checkHandshake, message));
  return message;
}

export function asLinkMessage(message: unknown): LinkMessage {
  if (!checkLink.Check(message)) throw new ProtocolError(describe(checkLink, message));
  return message;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const packId = (id: string): Uint8Array | string => (UUID.test(id) ? Buffer.from(id.replace(/-/g, ''), 'hex') : id);

function unpackId(id: Uint8Array | string): string {
  if (typeof id === 'string') return id;
  const hex = Buffer.from(id).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

type OpTupleValue = Static<typeof OpTuple>;

/** The ops of one frame in the compact form; `origins` lists the frame's origins, indexed by the tuples. */
export function packOps(ops: readonly WireOp[]): { origins: string[]; tuples: OpTupleValue[] } {
  const origins: string[] = [];
  const index = new Map<string, number>();
  const lastSeq = new Map<string, number>();
  let lastMs = 0;
  const tuples = ops.map((op): OpTupleValue => {
    let at = index.get(op.origin);
    if (at === undefined) {
      index.set(op.origin, (at = origins.length));
      origins.push(op.origin);
    }
    const seq = lastSeq.get(op.origin) === op.seq - 1 ? null : op.seq;
    lastSeq.set(op.origin, op.seq);
    const { ms, counter } = decodeHlc(op.hlc);
    const delta = ms - lastMs;
    lastMs = ms;
    return [at, seq, delta, counter, op.author === null ? null : packId(op.author), op.type, packId(op.entity), op.bodyText];
  });
  return { origins, tuples };
}

export function unpackOps(frame: OpsFrame): WireOp[] {
  const lastSeq = new Map<number, number>();
  let lastMs = 0;
  return frame.ops.map(([at, explicitSeq, delta, counter, author, type, entity, bodyText]) => {
    const origin = frame.o[at];
    if (origin === undefined) throw new ProtocolError(`op names origin #${at} of ${frame.o.length}`);
    const previous = lastSeq.get(at);
    if (explicitSeq === null && previous === undefined) throw new ProtocolError(`the first op of origin ${origin} in a frame has no seq`);
    const seq = explicitSeq ?? previous! + 1;
    if (previous !== undefined && seq !== previous + 1)
      throw new ProtocolError(`origin ${origin} jumps from seq ${previous} to ${seq} within a frame`);
    lastSeq.set(at, seq);
    const ms = lastMs + delta;
    if (ms < 0 || ms >= 2 ** 48) throw new ProtocolError('op clock out of range');
    lastMs = ms;
    return {
      origin,
      seq,
      hlc: encodeHlc({ ms, counter }),
      author: author === null ? null : unpackId(author),
      type,
      entity: unpackId(entity),
      bodyText,
    };
  });
}
