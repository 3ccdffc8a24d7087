/**
 * The benchmark scenarios of issue 6, each bounded in count and time, each starting its
 * servers fresh (so a peak RSS belongs to one scenario) and stopping them however it ends.
 *
 * 1 and 2: fan-out. Receivers in one room, one sender at a fixed rate; delivery latency from
 *    when a message was due to when each receiver got it, delivered versus expected, the
 *    server's CPU time over the run and its peak RSS. Repeated on the same server; medians.
 * 3: saturation. The rate rises step by step until p99 passes 250 ms or a message is lost.
 * 4: RSS of the freshly started server, and with 500 idle receivers (measured in scenario 2,
 *    before its first message).
 * 5 and 6 (Hail only: the peers keep no history): cold start with a large database, and the
 *    latency of history pages at random cursors in it.
 */
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startHail } from '../../test/helpers/server.js';
import { startWorld } from '../../test/helpers/world.js';
import type { ChatServer, ServerName } from './chat-server.js';
import { generateHistory } from './generate-history.js';
import { BENCH_ENV, HailHttp, startHailServer } from './hail-driver.js';
import { startIrcServer } from './irc-driver.js';
import { sendAtRate } from './load.js';
import { ProbeCollector } from './probe.js';
import { processUsage, track } from './processes.js';
import { median, summarize, type LatencySummary } from './stats.js';
import { startXmppServer } from './xmpp-driver.js';

export const STARTERS: Record<ServerName, () => Promise<ChatServer>> = {
  hail: () => startHailServer(),
  ngircd: startIrcServer,
  prosody: startXmppServer,
};

/** Time for the last messages of a run to arrive before the missing ones count as lost. */
const DRAIN_MS = 5000;
const SETTLE_MS = 1000;
export const SATURATION_P99_MS = 250;

const sleep = (ms: number) => new Promise((wake) => setTimeout(wake, ms));

export interface RunResult {
  readonly latency: LatencySummary;
  readonly expected: number;
  readonly delivered: number;
  /** Messages the server accepted per second of the run. */
  readonly acceptedPerSecond: number;
  /** Server CPU time over wall time, in percent of one core. */
  readonly cpuPercent: number;
}

export interface FanoutResult {
  readonly server: string;
  readonly persists: boolean;
  readonly receivers: number;
  readonly rate: number;
  readonly runs: readonly RunResult[];
  readonly idleRssBytes: number;
  readonly connectedRssBytes: number;
  readonly peakRssBytes: number;
}

async function withServer<T>(start: () => Promise<ChatServer>, work: (server: ChatServer) => Promise<T>): Promise<T> {
  const server = await start();
  try {
    return await work(server);
  } finally {
    await server.stop();
  }
}

/** One measured burst of load: `rate` messages/s for `durationMs`, then the drain. */
async function measure(
  server: ChatServer,
  sender: Awaited<ReturnType<ChatServer['openSender']>>,
  probes: ProbeCollector,
  receivers: number,
  rate: number,
  durationMs: number,
): Promise<RunResult> {
  probes.startCounting();
  const before = processUsage(server.pid);
  const started = performance.now();
  const load = await sendAtRate(sender, probes, rate, durationMs);
  // Every due message is expected by every receiver: one refused or never sent counts as lost.
  const expected = load.due * receivers;
  await probes.waitFor(expected, DRAIN_MS);
  const after = processUsage(server.pid);
  const wallSeconds = (performance.now() - started) / 1000;
  return {
    latency: summarize(probes.latencies),
    expected,
    delivered: probes.delivered,
    acceptedPerSecond: (server.persists ? load.accepted : probes.delivered / receivers) / load.seconds,
    cpuPercent: (100 * (after.cpuSeconds - before.cpuSeconds)) / wallSeconds,
  };
}

async function connected(server: ChatServer, receivers: number) {
  await sleep(SETTLE_MS);
  const idle = processUsage(server.pid);
  const probes = new ProbeCollector();
  await server.connectReceivers(receivers, probes.receive);
  await sleep(SETTLE_MS);
  const withReceivers = processUsage(server.pid);
  const sender = await server.openSender();
  // A short warm-up: JIT, first-time allocations and the room's creation are not what is measured.
  await measure(server, sender, probes, receivers, 50, 400);
  return { probes, sender, idle, withReceivers };
}

export function fanout(
  start: () => Promise<ChatServer>,
  receivers: number,
  rate: number,
  durationMs: number,
  repetitions: number,
): Promise<FanoutResult> {
  return withServer(start, async (server) => {
    const { probes, sender, idle, withReceivers } = await connected(server, receivers);
    const runs: RunResult[] = [];
    for (let repetition = 0; repetition < repetitions; repetition++)
      runs.push(await measure(server, sender, probes, receivers, rate, durationMs));
    return {
      server: server.name,
      persists: server.persists,
      receivers,
      rate,
      runs,
      idleRssBytes: idle.rssBytes,
      connectedRssBytes: withReceivers.rssBytes,
      peakRssBytes: processUsage(server.pid).peakRssBytes,
    };
  });
}

export interface SaturationStep extends RunResult {
  readonly rate: number;
  readonly passed: boolean;
}

export interface SaturationResult {
  readonly server: string;
  readonly persists: boolean;
  readonly receivers: number;
  readonly steps: readonly SaturationStep[];
}

export function saturation(
  start: () => Promise<ChatServer>,
  receivers: number,
  rates: readonly number[],
  stepMs: number,
): Promise<SaturationResult> {
  return withServer(start, async (server) => {
    const { probes, sender } = await connected(server, receivers);
    const steps: SaturationStep[] = [];
    for (const rate of rates) {
      const run = await measure(server, sender, probes, receivers, rate, stepMs);
      const passed = run.latency.p99 <= SATURATION_P99_MS && run.delivered >= run.expected;
      steps.push({ ...run, rate, passed });
      if (!passed) break;
    }
    return { server: server.name, persists: server.persists, receivers, steps };
  });
}

export interface HistoryResult {
  readonly messages: number;
  readonly generateSeconds: number;
  readonly databaseBytes: number;
  /** Spawn to the "Hail is listening" log line, per start. */
  readonly listeningMs: readonly number[];
  /** Spawn to the first 200 from /healthz, per start. */
  readonly healthyMs: readonly number[];
  readonly rssAfterStartBytes: number;
  readonly page: LatencySummary;
  /** Search latency per kind of query, each asked `pages / 5` times. */
  readonly search: readonly { readonly query: string; readonly latency: LatencySummary }[];
}

/**
 * Scenarios 5 and 6: a database of `messages` posts in one channel (the worst case for the
 * channel's index), `starts` cold starts of it, then `pages` history pages of 50 at random
 * cursors, one at a time, as a client scrolling back would ask for them.
 */
export async function coldStartAndHistory(messages: number, starts: number, pages: number): Promise<HistoryResult> {
  const world = await startWorld({ env: BENCH_ENV });
  track(world.hail.child);
  const { dataDir } = world.hail;
  try {
    const me = await world.admin.get<{ user: { id: string } }>('/api/v1/me');
    const channelId = world.team.defaultChannelId;
    const cookie = world.admin.cookie;
    await world.stop();
    const history = await generateHistory(dataDir, me.body.user.id, channelId, messages);
    const databaseBytes = ['hail.db', 'hail.db-wal'].reduce(
      (sum, name) => sum + (statSync(join(dataDir, name), { throwIfNoEntry: false })?.size ?? 0),
      0,
    );
    const listeningMs: number[] = [];
    const healthyMs: number[] = [];
    let rssAfterStartBytes = 0;
    let page: LatencySummary | undefined;
    let search: HistoryResult['search'] = [];
    for (let start = 0; start < starts; start++) {
      const spawned = performance.now();
      const hail = await startHail({ dataDir, env: BENCH_ENV });
      track(hail.child);
      try {
        listeningMs.push(performance.now() - spawned);
        const http = new HailHttp(hail.port, cookie);
        try {
          for (let attempt = 0; (await http.request('GET', '/healthz').catch(() => 0)) !== 200; attempt++) {
            if (attempt > 1000) throw new Error('/healthz did not answer 200 within 1000 attempts');
            await sleep(1);
          }
          healthyMs.push(performance.now() - spawned);
          rssAfterStartBytes = processUsage(hail.child.pid!).rssBytes;
          if (start === starts - 1) {
            page = await historyPages(http, channelId, history.sampleIds, pages);
            search = await searches(http, Math.max(1, Math.floor(pages / 5)));
          }
        } finally {
          http.close();
        }
      } finally {
        await hail.stop();
      }
    }
    return { messages, generateSeconds: history.seconds, databaseBytes, listeningMs, healthyMs, rssAfterStartBytes, page: page!, search };
  } finally {
    await world.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function historyPages(http: HailHttp, channelId: string, cursors: readonly string[], pages: number): Promise<LatencySummary> {
  const latencies: number[] = [];
  for (let index = 0; index < pages; index++) {
    const cursor = cursors[Math.floor(Math.random() * cursors.length)]!;
    const asked = performance.now();
    const status = await http.request('GET', `/api/v1/channels/${channelId}/posts?before=${cursor}&limit=50`);
    latencies.push(performance.now() - asked);
    if (status !== 200) throw new Error(`history page answered ${status}`);
  }
  return summarize(latencies);
}

/**
 * What people type: a rare token (one post), a word in about a fifth of all posts (the
 * generator's vocabulary is small, so this is the worst case for ranking), two words, a
 * prefix, a phrase, and a filter without words.
 */
const SEARCHES = ['"Log 4242"', 'anchor', 'reef tide', 'mari*', '"holding tide"', 'from:admin'];

async function searches(http: HailHttp, times: number): Promise<HistoryResult['search']> {
  const results: { query: string; latency: LatencySummary }[] = [];
  for (const query of SEARCHES) {
    const latencies: number[] = [];
    for (let index = 0; index < times; index++) {
      const asked = performance.now();
      const status = await http.request('GET', `/api/v1/search?q=${encodeURIComponent(query)}&limit=20`);
      latencies.push(performance.now() - asked);
      if (status !== 200) throw new Error(`search ${query} answered ${status}`);
    }
    results.push({ query, latency: summarize(latencies) });
  }
  return results;
}

export const medianOf = (runs: readonly RunResult[], pick: (run: RunResult) => number): number => median(runs.map(pick));
