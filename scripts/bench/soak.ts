/**
 * Scenario 8, the soak (issue 16): does Hail's memory plateau under steady traffic? 100 sockets
 * (20 users × 5) in the team's default channel, one poster at 20 posts/s, and every 30 s a fifth
 * of the sockets (the next fifth in turn) dropped and reconnected, resuming from the last feed
 * sequence each had seen, as a phone that lost the network does. The server's RSS (from /proc),
 * V8's heap used and its external memory (`process.memoryUsage()` in the server, asked through
 * the inspector, which the server is started with on loopback) are sampled every 30 s.
 *
 * The verdict: the mean RSS of the run's last third within 10 % of its middle third's (the
 * first third is warm-up: caches fill, the heap finds its size). Delivery is checked on the
 * way: each socket must see every post once, across its resumes, in feed order.
 *
 * At the end the server is asked for a full GC (HeapProfiler.collectGarbage) and sampled again,
 * which tells live JavaScript objects from garbage V8 had not yet needed to collect.
 */
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { newId } from '../../src/core/ids.js';
import { mapConcurrently } from '../../test/helpers/concurrency.js';
import { startWorld } from '../../test/helpers/world.js';
import { BENCH_ENV, HailHttp } from './hail-driver.js';
import { processUsage, track } from './processes.js';

export interface SoakSettings {
  readonly durationMs: number;
  readonly sampleMs: number;
  /** How often a fifth of the sockets drop and resume. */
  readonly dropEveryMs: number;
  readonly users: number;
  readonly socketsPerUser: number;
  readonly postsPerSecond: number;
  /** Node options for the server beyond the unit's (e.g. a heap limit, to compare). */
  readonly nodeOptions?: string;
  /** A directory to write a V8 heap snapshot into at every sample (heavy: for finding what grows). */
  readonly snapshotDir?: string;
}

export interface MemorySample {
  /** Seconds since the posting started. */
  readonly atS: number;
  readonly posts: number;
  readonly rssBytes: number;
  /** Of the RSS: anonymous memory (malloc, V8's heap), the rest being mapped files and shared memory. */
  readonly rssAnonBytes: number;
  readonly heapUsedBytes: number;
  readonly heapTotalBytes: number;
  readonly externalBytes: number;
}

export interface SoakResult {
  readonly settings: SoakSettings;
  readonly nodeOptions: string;
  readonly samples: readonly MemorySample[];
  /** After the posting stopped and a full GC. */
  readonly afterGc: MemorySample;
  readonly accepted: number;
  readonly refused: number;
  readonly resumes: number;
  readonly delivered: number;
  readonly duplicates: number;
  readonly middleMeanRssBytes: number;
  readonly lastMeanRssBytes: number;
  readonly plateau: boolean;
}

export const SOAK_TOLERANCE = 0.1;
const CONNECT_TIMEOUT_MS = 10_000;
const DRAIN_MS = 5000;

const sleep = (ms: number) => new Promise((wake) => setTimeout(wake, ms));
const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);

/** The middle and last thirds of the samples (by count), and whether the last is within SOAK_TOLERANCE of the middle. */
export function plateauVerdict(rss: readonly number[]): { middle: number; last: number; plateau: boolean } {
  const third = Math.floor(rss.length / 3);
  const middle = mean(rss.slice(third, rss.length - third));
  const last = mean(rss.slice(rss.length - third));
  return { middle, last, plateau: third > 0 && Math.abs(last - middle) <= SOAK_TOLERANCE * middle };
}

export async function soak(settings: SoakSettings, log: (line: string) => void = () => {}): Promise<SoakResult> {
  const nodeOptions = ['--inspect=127.0.0.1:0', settings.nodeOptions ?? ''].join(' ').trim();
  const world = await startWorld({ env: { ...BENCH_ENV, NODE_OPTIONS: `${BENCH_ENV.NODE_OPTIONS ?? ''} ${nodeOptions}`.trim() } });
  track(world.hail.child);
  const receivers: Receiver[] = [];
  const http = new HailHttp(world.hail.port, world.admin.cookie);
  const inspector = await Inspector.open(world.hail.logs);
  try {
    const url = world.hail.url.replace(/^http/, 'ws') + '/api/v1/ws';
    for (let user = 0; user < settings.users; user++) {
      const { client } = await world.join(`soak${user + 1}`);
      for (let socket = 0; socket < settings.socketsPerUser; socket++) receivers.push(new Receiver(url, client.cookie));
    }
    await mapConcurrently(receivers, 16, (receiver) => receiver.connect());
    const path = `/api/v1/channels/${world.team.defaultChannelId}/posts`;
    const samples: MemorySample[] = [];
    let accepted = 0;
    let refused = 0;
    let resumes = 0;
    const start = performance.now();
    const sample = async (posts: number): Promise<MemorySample> => {
      const usage = await inspector.memoryUsage();
      const taken = {
        atS: (performance.now() - start) / 1000,
        posts,
        rssBytes: processUsage(world.hail.child.pid!).rssBytes,
        rssAnonBytes: rssAnon(world.hail.child.pid!),
        heapUsedBytes: usage.heapUsed,
        heapTotalBytes: usage.heapTotal,
        externalBytes: usage.external,
      };
      log(
        `soak ${taken.atS.toFixed(0)} s: ${posts} posts, RSS ${mib(taken.rssBytes)} (anonymous ${mib(taken.rssAnonBytes)}), heap used ${mib(taken.heapUsedBytes)} of ${mib(taken.heapTotalBytes)}, external ${mib(taken.externalBytes)} MiB`,
      );
      if (settings.snapshotDir)
        await inspector.heapSnapshot(join(settings.snapshotDir, `soak-${String(Math.round(taken.atS)).padStart(5, '0')}.heapsnapshot`));
      return taken;
    };
    samples.push(await sample(0));
    let sent = 0;
    let nextSample = settings.sampleMs;
    let nextDrop = settings.dropEveryMs;
    let fifth = 0;
    const resuming: Promise<unknown>[] = [];
    const due = Math.round((settings.postsPerSecond * settings.durationMs) / 1000);
    const answered = (ok: boolean) => (ok ? accepted++ : refused++);
    while (sent < due) {
      const elapsed = performance.now() - start;
      // Open loop, as in load.ts: post i is due at start + i / rate.
      while (sent < due && (sent * 1000) / settings.postsPerSecond <= elapsed) {
        http.request('POST', path, { id: newId(), message: message(sent) }).then(
          (status) => answered(status === 201),
          () => answered(false),
        );
        sent++;
      }
      if (elapsed >= nextDrop) {
        nextDrop += settings.dropEveryMs;
        const group = receivers.filter((_, index) => index % 5 === fifth);
        fifth = (fifth + 1) % 5;
        resumes += group.length;
        const resumed = mapConcurrently(group, 16, (receiver) => receiver.reconnect());
        resumed.catch(() => {}); // awaited (and thrown) after the posting; until then not "unhandled"
        resuming.push(resumed);
      }
      if (elapsed >= nextSample) {
        nextSample += settings.sampleMs;
        samples.push(await sample(accepted));
      }
      await sleep(5);
    }
    await Promise.all(resuming);
    const deadline = performance.now() + DRAIN_MS;
    while (accepted + refused < sent && performance.now() < deadline) await sleep(10);
    while (receivers.some((receiver) => receiver.delivered < accepted) && performance.now() < deadline) await sleep(10);
    samples.push(await sample(accepted));
    await inspector.collectGarbage();
    const afterGc = await sample(accepted);
    const { middle, last, plateau } = plateauVerdict(samples.map((taken) => taken.rssBytes));
    return {
      settings,
      nodeOptions: settings.nodeOptions ?? '',
      samples,
      afterGc,
      accepted,
      refused,
      resumes,
      delivered: receivers.reduce((sum, receiver) => sum + receiver.delivered, 0),
      duplicates: receivers.reduce((sum, receiver) => sum + receiver.duplicates, 0),
      middleMeanRssBytes: middle,
      lastMeanRssBytes: last,
      plateau,
    };
  } finally {
    inspector.close();
    for (const receiver of receivers) receiver.close();
    http.close();
    await world.dispose();
  }
}

const WORDS = [
  'the',
  'boat',
  'leaves',
  'at',
  'nine',
  'bring',
  'ropes',
  'and',
  'coffee',
  'tide',
  'is',
  'low',
  'wind',
  'from',
  'west',
  'crew',
];

/** A chat line of 40-400 characters, different each time, as people write them. */
function message(index: number): string {
  const words: string[] = [`#${index}`];
  const length = 40 + ((index * 7919) % 360);
  for (let at = 0; words.join(' ').length < length; at++) words.push(WORDS[(index * 31 + at * 17) % WORDS.length]!);
  return words.join(' ');
}

const rssAnon = (pid: number) => Number(/^RssAnon:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;

const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

/**
 * One phone's socket: resumes from the last feed sequence it saw, counts posts it got, and
 * any frame at or below a sequence it already had (sent twice).
 */
class Receiver {
  private socket: WebSocket | undefined;
  private lastFeedSeq = -1;
  delivered = 0;
  duplicates = 0;

  constructor(
    private readonly url: string,
    private readonly cookie: string,
  ) {}

  connect(): Promise<void> {
    return new Promise((done, fail) => {
      const socket = new WebSocket(this.url, { headers: { cookie: this.cookie }, perMessageDeflate: false });
      this.socket = socket;
      const timer = setTimeout(() => {
        socket.terminate();
        fail(new Error('a soak receiver did not get live within 10 s'));
      }, CONNECT_TIMEOUT_MS);
      socket.on('message', (data) => {
        const frame = JSON.parse(data.toString()) as { type: string; feedSeq?: number; event?: { type: string } };
        if (frame.type === 'hello')
          socket.send(JSON.stringify({ type: 'resume', since: this.lastFeedSeq < 0 ? frame.feedSeq : this.lastFeedSeq }));
        else if (frame.type === 'resumed') {
          if (this.lastFeedSeq < 0) this.lastFeedSeq = frame.feedSeq!;
          clearTimeout(timer);
          done();
        } else if (frame.type === 'event' && frame.feedSeq !== undefined) {
          if (frame.feedSeq <= this.lastFeedSeq) this.duplicates++;
          else {
            this.lastFeedSeq = frame.feedSeq;
            if (frame.event?.type === 'post.created') this.delivered++;
          }
        }
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        fail(error);
      });
    });
  }

  /** Drops the connection without a close handshake, as a phone losing the network, and resumes. */
  async reconnect(): Promise<void> {
    this.socket?.terminate();
    await this.connect();
  }

  close(): void {
    this.socket?.terminate();
  }
}

interface MemoryUsage {
  readonly rss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly external: number;
}

/** The server's inspector (Chrome DevTools protocol over a WebSocket on loopback). */
class Inspector {
  private nextId = 1;
  private readonly pending = new Map<number, (result: unknown) => void>();
  private chunks: ((chunk: string) => void) | undefined;

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { id?: number; result?: unknown; method?: string; params?: { chunk: string } };
      if (message.id !== undefined) {
        this.pending.get(message.id)?.(message.result);
        this.pending.delete(message.id);
      } else if (message.method === 'HeapProfiler.addHeapSnapshotChunk') this.chunks?.(message.params!.chunk);
    });
  }

  /** Connects to the inspector whose address the server printed ("Debugger listening on ws://..."). */
  static async open(logs: readonly string[]): Promise<Inspector> {
    const url = /Debugger listening on (ws:\/\/\S+)/.exec(logs.join('\n'))?.[1];
    if (!url) throw new Error('the server did not start its inspector');
    const socket = new WebSocket(url);
    await new Promise((done, fail) => socket.once('open', done).once('error', fail));
    return new Inspector(socket);
  }

  private call(method: string, params: object = {}): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((done) => {
      this.pending.set(id, done);
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  async memoryUsage(): Promise<MemoryUsage> {
    const answer = (await this.call('Runtime.evaluate', { expression: 'JSON.stringify(process.memoryUsage())', returnByValue: true })) as {
      result: { value: string };
    };
    return JSON.parse(answer.result.value) as MemoryUsage;
  }

  async collectGarbage(): Promise<void> {
    await this.call('HeapProfiler.collectGarbage');
  }

  async heapSnapshot(file: string): Promise<void> {
    const out = createWriteStream(file);
    this.chunks = (chunk) => out.write(chunk);
    await this.call('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
    this.chunks = undefined;
    await new Promise((done) => out.end(done));
  }

  close(): void {
    this.socket.terminate();
  }
}
