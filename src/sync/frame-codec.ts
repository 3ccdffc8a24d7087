/**
 * Frames on the sync link (docs/PROTOCOL.md "Framing"). On the TLS byte stream, a frame is a
 * 2-byte big-endian length and that many bytes of raw DEFLATE output; inflated, they are one
 * MessagePack message (sync/messages.ts).
 *
 * Compression keeps one DEFLATE context per direction for the life of the link, and ends each
 * frame with a sync flush (Z_SYNC_FLUSH): the receiver can inflate a frame as soon as it has
 * it, yet the 32 KiB window still remembers the previous frames, so the channel id, author id
 * and op type that every post repeats cost a byte or two after their first time. The four bytes every sync flush ends with (00 00 FF FF) are left off the wire
 * and put back before inflating, as WebSocket's permessage-deflate does (RFC 7692).
 *
 * Limits: a frame is at most 65,535 bytes on the wire and its message at most MAX_MESSAGE
 * bytes inflated; a frame that breaks either, or does not inflate or unpack, is an error and
 * the link closes (sync/link.ts). A decompression bomb stops at MAX_MESSAGE, not at memory's end.
 *
 * Both directions are asynchronous (zlib works on the thread pool): each side runs its frames
 * strictly one after another, so order on the wire is order of encoding.
 */
import { constants, createDeflateRaw, createInflateRaw, type DeflateRaw, type InflateRaw } from 'node:zlib';
import { Packr } from 'msgpackr';

export const MAX_FRAME = 0xffff;
export const MAX_MESSAGE = 64 * 1024;
const SYNC_TAIL = Buffer.from([0x00, 0x00, 0xff, 0xff]);

// Plain maps and arrays, no msgpackr records or structure sharing: the peer may be another
// implementation, and the DEFLATE context already removes the repetition records would.
const packr = new Packr({ useRecords: false, mapsAsObjects: true, moreTypes: false, bundleStrings: false });

export class FrameError extends Error {}

/** Runs a zlib stream one frame at a time: write, sync flush, collect what came out. */
function flushThrough(stream: DeflateRaw | InflateRaw, input: Buffer, maxOutput: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxOutput && !failed) {
        failed = true;
        cleanup();
        reject(new FrameError(`frame inflates beyond ${maxOutput} bytes`));
      } else chunks.push(chunk);
    };
    const onError = (error: Error) => {
      cleanup();
      if (!failed) reject(new FrameError(`frame does not inflate: ${error.message}`));
      failed = true;
    };
    const cleanup = () => {
      stream.removeListener('data', onData);
      stream.removeListener('error', onError);
    };
    stream.on('data', onData);
    stream.on('error', onError);
    stream.write(input);
    stream.flush(constants.Z_SYNC_FLUSH, () => {
      if (failed) return;
      cleanup();
      resolve(Buffer.concat(chunks, size));
    });
  });
}

export class FrameEncoder {
  private readonly deflate = createDeflateRaw({ level: 6, windowBits: 15, memLevel: 8 });
  private chain: Promise<unknown> = Promise.resolve();

  /** The bytes to write for one message; throws FrameError when the message is too large. */
  encode(message: unknown): Promise<Buffer> {
    const packed = packr.pack(message);
    if (packed.length > MAX_MESSAGE) return Promise.reject(new FrameError(`message of ${packed.length} bytes exceeds ${MAX_MESSAGE}`));
    const result = this.chain.then(async () => {
      const deflated = await flushThrough(this.deflate, packed, Number.MAX_SAFE_INTEGER);
      const body = deflated.subarray(0, deflated.length - SYNC_TAIL.length);
      if (body.length > MAX_FRAME) throw new FrameError(`frame of ${body.length} bytes exceeds ${MAX_FRAME}`);
      const frame = Buffer.allocUnsafe(2 + body.length);
      frame.writeUInt16BE(body.length, 0);
      body.copy(frame, 2);
      return frame;
    });
    this.chain = result.catch(() => undefined);
    return result;
  }

  /** The packed size of a message, before compression: what MAX_MESSAGE bounds. */
  static packedSize(message: unknown): number {
    return packr.pack(message).length;
  }

  close(): void {
    this.deflate.close();
  }
}

/**
 * Cuts the byte stream into frames and turns each into a message. `push` bytes as they
 * arrive; messages come out through `onMessage` in order; the first error stops everything.
 */
export class FrameDecoder {
  private readonly inflate = createInflateRaw({ windowBits: 15 });
  private buffered: Buffer = Buffer.alloc(0);
  private chain: Promise<void> = Promise.resolve();
  private failed = false;

  constructor(
    private readonly onMessage: (message: unknown, wireBytes: number) => Promise<void>,
    private readonly onError: (error: Error) => void,
  ) {
    // Errors are reported through flushThrough; this keeps a late one from being unhandled.
    this.inflate.on('error', () => {});
  }

  push(bytes: Buffer): void {
    if (this.failed) return;
    this.buffered = this.buffered.length === 0 ? bytes : Buffer.concat([this.buffered, bytes]);
    while (this.buffered.length >= 2) {
      const length = this.buffered.readUInt16BE(0);
      if (length === 0) return this.fail(new FrameError('empty frame'));
      if (this.buffered.length < 2 + length) break;
      const body = this.buffered.subarray(2, 2 + length);
      this.buffered = this.buffered.subarray(2 + length);
      this.chain = this.chain.then(() => this.handle(body));
    }
  }

  /** Resolves when every frame pushed so far has been handled. */
  settled(): Promise<void> {
    return this.chain;
  }

  close(): void {
    this.failed = true;
    this.inflate.close();
  }

  private async handle(body: Buffer): Promise<void> {
    if (this.failed) return;
    try {
      const packed = await flushThrough(this.inflate, Buffer.concat([body, SYNC_TAIL]), MAX_MESSAGE);
      if (packed.length === 0) throw new FrameError('frame holds no message');
      let message: unknown;
      try {
        message = packr.unpack(packed);
      } catch (error) {
        throw new FrameError(`frame is not MessagePack: ${(error as Error).message}`);
      }
      if (this.failed) return;
      await this.onMessage(message, 2 + body.length);
    } catch (error) {
      this.fail(error as Error);
    }
  }

  private fail(error: Error): void {
    if (this.failed) return;
    this.failed = true;
    this.onError(error);
  }
}
