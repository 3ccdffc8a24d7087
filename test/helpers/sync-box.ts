/**
 * A box for in-process sync tests and measurements: a real database and Committer in a
 * temporary directory, and a real SyncService listening on loopback with real TLS. Only the
 * HTTP server is left out (sync never touches it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { newId } from '../../src/core/ids.js';
import { openWriter, type Writer } from '../../src/core/writer.js';
import { logOpStore } from '../../src/sync/log-op-store.js';
import type { OpStore } from '../../src/sync/op-store.js';
import { SyncService } from '../../src/sync/sync-service.js';
import { sql } from '../../src/store/database.js';

export interface SyncBox {
  readonly name: string;
  readonly dir: string;
  readonly writer: Writer;
  readonly store: OpStore;
  readonly service: SyncService;
  readonly logs: string[];
  readonly address: string;
  /** Sets up an admin and a team (as POST /api/v1/setup does); returns the author and channel. */
  setup(): Promise<{ userId: string; channelId: string }>;
  post(author: string, channelId: string, message: string): Promise<void>;
  /** Many posts, committed as one group. */
  postMany(author: string, channelId: string, messages: readonly string[]): Promise<void>;
  opCount(): number;
  /** Every op (origin, seq, hash), sorted: equal on two boxes when they converged. */
  opLog(): string;
  stop(): Promise<void>;
  dispose(): Promise<void>;
}

export async function startSyncBox(name: string, dir = mkdtempSync(join(tmpdir(), `hail-sync-${name}-`))): Promise<SyncBox> {
  const logs: string[] = [];
  const log = pino(
    { level: 'debug', base: undefined },
    new Writable({ write: (chunk, _encoding, done) => (logs.push(chunk.toString()), done()) }),
  );
  const writer = openWriter(dir, Date.now, (error) => logs.push(`listener error ${String(error)}`));
  const store = logOpStore(writer.db, writer.committer);
  const service = new SyncService({
    db: writer.db,
    store,
    identity: writer.identity,
    boxName: name,
    host: '127.0.0.1',
    port: 0,
    addresses: (port) => [`127.0.0.1:${port}`],
    nearby: () => [],
    now: Date.now,
    log,
  });
  await service.start();
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await service.stop();
    await writer.committer.drain();
    writer.db.close();
  };
  return {
    name,
    dir,
    writer,
    store,
    service,
    logs,
    address: `127.0.0.1:${service.port}`,
    async setup() {
      const userId = newId();
      const channelId = newId();
      await writer.committer.commit({
        author: userId,
        grant: { kind: 'setup' },
        ops: [
          {
            type: 'user.created',
            entity: userId,
            body: {
              username: `admin-${name}`,
              displayName: name,
              role: 'admin',
              passwordHash: 'scrypt$16384$8$1$c2FsdA$a2V5',
              inviteId: null,
            },
          },
          { type: 'team.created', entity: newId(), body: { name: `team-${name}`, displayName: name, defaultChannelId: channelId } },
        ],
      });
      return { userId, channelId };
    },
    async post(author, channelId, message) {
      await writer.committer.commit({
        author,
        ops: [{ type: 'post.created', entity: newId(), body: { channelId, message, rootId: null } }],
      });
    },
    async postMany(author, channelId, messages) {
      await Promise.all(
        messages.map((message) =>
          writer.committer.commit({ author, ops: [{ type: 'post.created', entity: newId(), body: { channelId, message, rootId: null } }] }),
        ),
      );
    },
    opCount: () => sql<[], { n: number }>(writer.db, 'SELECT count(*) AS n FROM ops').get()!.n,
    opLog: () =>
      sql<[], { line: string }>(writer.db, "SELECT origin || ':' || seq || ':' || hash AS line FROM ops ORDER BY origin, seq")
        .all()
        .map((row) => row.line)
        .join('\n'),
    stop,
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Pins each box's key on the other, with its address, as pairing would. */
export function pinEachOther(a: SyncBox, b: SyncBox): void {
  a.service.peers.pin(b.service.fingerprint, b.name, [b.address], Date.now());
  b.service.peers.pin(a.service.fingerprint, a.name, [a.address], Date.now());
  a.service.refresh();
  b.service.refresh();
}

export async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 20000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 20));
  }
}
