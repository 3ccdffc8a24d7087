/**
 * Request bodies. They are JSON, except for routes marked `rawBody` (file uploads): their
 * handler reads the bytes chunk by chunk as they arrive, so a 50 MB file is never held in
 * memory.
 */
import { ApiError } from '../core/errors.js';
import type { Incoming } from './answers.js';

/**
 * A raw body as an async iterable. uWS lends each chunk only for the duration of its callback,
 * so chunks are copied; when the reader falls behind (a slow SD card) the socket is paused.
 * uWebSockets.js 20.56 honours a pause reliably only until the first resume (measured: data
 * keeps arriving after later pauses), so on a link faster than the disk an upload can still
 * gather up to the file size limit in memory; on a box's Wi-Fi the disk is the faster side.
 */
export class RawBody implements AsyncIterable<Buffer> {
  private static readonly HIGH_WATER = 256 * 1024;
  private readonly chunks: Buffer[] = [];
  private buffered = 0;
  private ended = false;
  private paused = false;
  private dropped = false;
  private wake: (() => void) | undefined;

  constructor(private readonly incoming: Incoming) {
    incoming.res.onData((chunk, isLast) => {
      if (!this.dropped) {
        this.chunks.push(Buffer.from(chunk.slice(0)));
        this.buffered += chunk.byteLength;
        if (this.buffered > RawBody.HIGH_WATER && !this.paused && !incoming.aborted) {
          this.paused = true;
          incoming.res.pause();
        }
      }
      if (isLast) this.ended = true;
      this.wakeReader();
    });
    incoming.abortListeners.push(() => this.wakeReader());
  }

  private wakeReader(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** Throws `upload_incomplete` when the client goes away before the body ends. */
  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    for (;;) {
      const chunk = this.chunks.shift();
      if (chunk) {
        this.buffered -= chunk.byteLength;
        yield chunk;
        continue;
      }
      if (this.ended) return;
      if (this.incoming.aborted)
        throw new ApiError(400, 'upload_incomplete', 'The connection closed before the whole body arrived; send it again.');
      this.resume();
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** The answer was given before the body was read: let the rest arrive and drop it. */
  discard(): void {
    this.dropped = true;
    this.chunks.length = 0;
    this.resume();
  }

  private resume(): void {
    if (!this.paused || this.incoming.aborted) return;
    this.paused = false;
    this.incoming.res.resume();
  }
}

/** Reads the whole body up to `limit` bytes; rejects with 413 past it. */
export function readBody(incoming: Incoming, declaredLength: number, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (declaredLength > limit) return reject(tooLarge(limit));
    const chunks: Buffer[] = [];
    let size = 0;
    incoming.res.onData((chunk, isLast) => {
      if (size < 0) return;
      size += chunk.byteLength;
      if (size > limit) {
        size = -1;
        return reject(tooLarge(limit));
      }
      chunks.push(Buffer.from(chunk.slice(0)));
      if (isLast) resolve(Buffer.concat(chunks));
    });
  });
}

const tooLarge = (limit: number) => new ApiError(413, 'body_too_large', `The request body is larger than ${limit} bytes.`);

// Fatal: Buffer#toString would turn invalid bytes into U+FFFD, and store text the sender never wrote.
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function parseJson(bytes: Buffer, contentType: string): unknown {
  if (bytes.length === 0) return {};
  if (!/^application\/json\s*(;|$)/i.test(contentType))
    throw new ApiError(415, 'unsupported_media_type', 'Send the body as application/json.');
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new ApiError(400, 'invalid_utf8', 'The body is not valid UTF-8.');
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, 'invalid_json', 'The body is not valid JSON.');
  }
}
