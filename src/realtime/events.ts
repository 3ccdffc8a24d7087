/** What a client receives for an op: its kind, entity, author, time, and the kind's public view of the body. */
import { readableBody, type Op } from '../core/op.js';
import { OP_KINDS } from '../core/ops/index.js';
import { hlcMillis } from '../core/hlc.js';

export function eventFrame(feedSeq: number, op: Op): string {
  const kind = OP_KINDS.get(op.type);
  const body = kind ? readableBody(kind, op.body) : op.body;
  const data = kind?.present ? kind.present({ ...op, body } as never) : body;
  return JSON.stringify({
    type: 'event',
    feedSeq,
    event: { type: op.type, id: op.entity, actorId: op.author, at: hlcMillis(op.hlc), data },
  });
}
