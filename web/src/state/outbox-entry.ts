/** A post waiting to be sent: written here first, sent later, in order, by the outbox. */
import type { PostFile } from '../types';

/** A file chosen in the composer; uploaded by the outbox just before its post is sent. */
export interface Attachment {
  readonly blob: Blob;
  readonly name: string;
  readonly width?: number;
  readonly height?: number;
  readonly thumbnail?: Blob;
  /** Set once the bytes (and thumbnail) are on the server. */
  uploaded?: PostFile;
}

export interface OutboxEntry {
  /** The post's own id (UUIDv7), minted when it was written: retries reuse it. */
  readonly id: string;
  readonly channelId: string;
  readonly rootId: string | null;
  readonly message: string;
  readonly userId: string;
  readonly queuedAt: number;
  readonly attachments: Attachment[];
  state: 'pending' | 'failed';
  /** Why it failed, as the server's error code. */
  failure?: string;
}
