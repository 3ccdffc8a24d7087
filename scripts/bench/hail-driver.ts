/**
 * Drives Hail as the benchmarks need: a set-up server (test/helpers/world.ts) whose post rate
 * and per-address socket limits are lifted, receivers as WebSocket clients in the team's
 * default channel, and a sender that posts through REST with client-minted ids, as the PWA does.
 *
 * Registering runs scrypt (about 50 ms a user), so 500 receivers are 25 users with 20 sockets
 * each: Hail fans out per socket, so the server does the same work as for 500 users, and the
 * benchmark starts in seconds rather than half a minute.
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { resolve } from 'node:path';
import WebSocket from 'ws';
import { newId } from '../../src/core/ids.js';
import { mapConcurrently } from '../../test/helpers/concurrency.js';
import type { StartOptions } from '../../test/helpers/server.js';
import { startWorld, type World } from '../../test/helpers/world.js';
import type { ChatServer, Sender } from './chat-server.js';
import { LOOPBACK } from './loopback.js';
import { track } from './processes.js';

const MAX_RECEIVER_USERS = 25;
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * The runtime settings of the service unit (glibc's malloc tunable, and Node's heap sizes from
 * its ExecStart, passed as NODE_OPTIONS), so Hail is measured as the box runs it; not
 * HAIL_CONFIG, which names the box's /etc.
 */
export function serviceEnvironment(): Record<string, string> {
  const unit = readFileSync(resolve('systemd/hail.service'), 'utf8');
  const settings = [...unit.matchAll(/^Environment=([A-Z_]+)=(.*)$/gm)].filter(([, name]) => !name!.startsWith('HAIL_'));
  const nodeFlags = /^ExecStart=\S*node((?: --\S+)*) /m.exec(unit)?.[1]?.trim() ?? '';
  return { ...Object.fromEntries(settings.map(([, name, value]) => [name!, value!])), ...(nodeFlags ? { NODE_OPTIONS: nodeFlags } : {}) };
}

/** The unit's runtime settings, and the per-user post limit (10/s by default) lifted: it would otherwise be what is measured. */
// Every simulated phone connects from loopback: one address, so its socket cap is lifted too.
export const BENCH_ENV: Record<string, string> = {
  ...serviceEnvironment(),
  HAIL_POSTS_PER_SECOND: '1000000',
  HAIL_POST_BURST: '1000000',
  HAIL_SOCKETS_PER_ADDRESS: '1000000',
};

export async function startHailServer(options: StartOptions = {}): Promise<ChatServer> {
  const world = await startWorld({ ...options, env: { ...BENCH_ENV, ...options.env } });
  track(world.hail.child);
  return new HailServer(world);
}

class HailServer implements ChatServer {
  readonly name = 'Hail';
  readonly persists = true;
  private readonly receiverCookies: string[] = [];
  private readonly sockets: WebSocket[] = [];
  private readonly http: HailHttp;

  constructor(private readonly world: World) {
    this.http = new HailHttp(world.hail.port, world.admin.cookie);
  }

  get pid(): number {
    return this.world.hail.child.pid!;
  }

  async connectReceivers(count: number, onText: (text: string) => void): Promise<void> {
    const users = Math.min(count, MAX_RECEIVER_USERS);
    while (this.receiverCookies.length < users) {
      const { client } = await this.world.join(`reader${this.receiverCookies.length + 1}`);
      this.receiverCookies.push(client.cookie);
    }
    const url = this.world.hail.url.replace(/^http/, 'ws') + '/api/v1/ws';
    const first = this.sockets.length;
    await mapConcurrently(
      Array.from({ length: count }, (_, index) => first + index),
      16,
      async (index) => {
        this.sockets.push(await openReceiver(url, this.receiverCookies[index % users]!, onText));
      },
    );
  }

  async openSender(): Promise<Sender> {
    const path = `/api/v1/channels/${this.world.team.defaultChannelId}/posts`;
    return { send: async (message) => (await this.http.request('POST', path, { id: newId(), message })) === 201 };
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    this.http.close();
    await this.world.stop();
  }
}

/**
 * Requests as one logged-in browser would send them, over kept-alive connections. node:http
 * rather than fetch: at thousands of requests a second the client shares the CPU with the
 * server, and fetch costs several times more per request.
 */
export class HailHttp {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 32 });

  constructor(
    private readonly port: number,
    private readonly cookie: string,
  ) {}

  /** Resolves with the status once the whole answer has arrived. */
  request(method: string, path: string, body?: unknown): Promise<number> {
    return new Promise((done, fail) => {
      const text = body === undefined ? undefined : JSON.stringify(body);
      const headers: Record<string, string | number> = { cookie: this.cookie };
      if (text !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      const sending = request({ host: LOOPBACK, port: this.port, method, path, agent: this.agent, headers }, (response) => {
        response.resume();
        response.once('end', () => done(response.statusCode ?? 0));
      });
      sending.once('error', fail);
      sending.end(text);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** A socket that has said `resume` and seen `resumed`: from then on it receives live posts. */
function openReceiver(url: string, cookie: string, onText: (text: string) => void): Promise<WebSocket> {
  return new Promise((done, fail) => {
    const socket = new WebSocket(url, { headers: { cookie }, perMessageDeflate: false });
    const timer = setTimeout(() => {
      socket.terminate();
      fail(new Error('a Hail receiver did not get live within 10 s'));
    }, CONNECT_TIMEOUT_MS);
    let live = false;
    socket.on('message', (data) => {
      const text = data.toString();
      if (live) return onText(text);
      const frame = JSON.parse(text) as { type: string; feedSeq?: number };
      if (frame.type === 'hello') socket.send(JSON.stringify({ type: 'resume', since: frame.feedSeq }));
      else if (frame.type === 'resumed') {
        live = true;
        clearTimeout(timer);
        done(socket);
      }
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      fail(error);
    });
  });
}
