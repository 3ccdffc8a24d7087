/**
 * A user-space TCP proxy for sync tests that misbehaves on purpose, as a marina's wifi or a
 * satellite link does: it cuts connections in the middle of the stream, stalls (holds every
 * byte for a while, then lets them through), and throttles to a bit rate. It relays bytes as
 * they are (TLS passes through untouched); only timing and cuts change.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
// A throttled direction sends a slice of its rate every tick.
const TICK_MS = 100;

interface Connection {
  readonly client: Socket;
  readonly upstream: Socket;
  relayed: number;
}

export class FaultProxy {
  /** Connections accepted and bytes relayed (both directions), since the start. */
  connections = 0;
  bytes = 0;
  cuts = 0;
  private cutAfterBytes: number | undefined;
  private cutsLeft = 0;
  private stalledUntil = 0;
  private bytesPerSecond: number | undefined;
  private readonly open = new Set<Connection>();

  private constructor(private readonly server: Server) {}

  static async start(targetPort: number, targetHost = '127.0.0.1'): Promise<FaultProxy> {
    const server = createServer();
    const proxy = new FaultProxy(server);
    server.on('connection', (client) => proxy.accept(client, targetHost, targetPort));
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    return proxy;
  }

  get address(): string {
    const { port } = this.server.address() as { port: number };
    return `127.0.0.1:${port}`;
  }

  /** The next `count` connections are cut once each has relayed `afterBytes` (both ways). */
  cutConnections(count: number, afterBytes: number): void {
    this.cutsLeft = count;
    this.cutAfterBytes = afterBytes;
  }

  /** Holds every byte for `ms`, then lets them through in order. */
  stall(ms: number): void {
    this.stalledUntil = Date.now() + ms;
  }

  /** Relays at most `bitsPerSecond` each way; undefined for full speed. */
  throttle(bitsPerSecond: number | undefined): void {
    this.bytesPerSecond = bitsPerSecond === undefined ? undefined : bitsPerSecond / 8;
  }

  async close(): Promise<void> {
    for (const connection of this.open) this.drop(connection);
    await new Promise<void>((done) => this.server.close(() => done()));
  }

  private accept(client: Socket, host: string, port: number): void {
    this.connections++;
    const upstream = connect({ host, port });
    const connection: Connection = { client, upstream, relayed: 0 };
    this.open.add(connection);
    for (const socket of [client, upstream]) {
      socket.on('error', () => this.drop(connection));
      socket.on('close', () => this.drop(connection));
    }
    this.relay(client, upstream, connection);
    this.relay(upstream, client, connection);
  }

  private drop(connection: Connection): void {
    this.open.delete(connection);
    connection.client.destroy();
    connection.upstream.destroy();
  }

  private relay(from: Socket, to: Socket, connection: Connection): void {
    const queue: Buffer[] = [];
    let ended = false;
    let running = false;
    const run = async () => {
      if (running) return;
      running = true;
      while (queue.length > 0 && !to.destroyed) {
        const wait = this.stalledUntil - Date.now();
        if (wait > 0) {
          await sleep(wait);
          continue;
        }
        let chunk = queue.shift()!;
        if (this.bytesPerSecond !== undefined) {
          const slice = Math.max(1, Math.floor((this.bytesPerSecond * TICK_MS) / 1000));
          if (chunk.length > slice) {
            queue.unshift(chunk.subarray(slice));
            chunk = chunk.subarray(0, slice);
          }
          await sleep(TICK_MS);
          if (to.destroyed) break;
        }
        to.write(chunk);
        this.bytes += chunk.length;
        connection.relayed += chunk.length;
        if (this.cutAfterBytes !== undefined && this.cutsLeft > 0 && connection.relayed >= this.cutAfterBytes) {
          this.cutsLeft--;
          this.cuts++;
          this.drop(connection);
          break;
        }
        if (queue.length < 16) from.resume();
      }
      running = false;
      if (ended && queue.length === 0 && !to.destroyed) to.end();
    };
    from.on('data', (chunk: Buffer) => {
      queue.push(chunk);
      if (queue.length > 64) from.pause();
      void run();
    });
    from.on('end', () => {
      ended = true;
      void run();
    });
  }
}
