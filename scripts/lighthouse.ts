/**
 * Lighthouse on the page people look at most: a channel, logged in, on a cold start. Run by
 * `scripts/lighthouse` (which installs Lighthouse and passes its node_modules directory).
 *
 * A fresh Hail gets a busy crew: 6 people, 8 channels, 3 conversations and a General of 400
 * posts (markdown, code, links, mentions, threads, reactions). Debian's Chromium is launched
 * with a debugging port; the admin logs in there through the API (the session cookie stays in
 * the profile), then Lighthouse's default mobile run loads `/c/<General>`: it clears the
 * origin's storage first (IndexedDB, service worker, caches; not cookies), so every run starts
 * cold, as a phone opening the app for the first time after logging in.
 *
 * Usage: node build/scripts/lighthouse.js LIGHTHOUSE_NODE_MODULES [--runs N] [--report DIR]
 *   --runs N      Lighthouse runs (default 3); the median of each number is printed last
 *   (TBT-cpu, printed beside Lighthouse's TBT, is described at cpuBlockingTime)
 *   --report DIR  also write each run's full JSON report there (inside the repository when
 *                 run through scripts/debian13, whose /tmp is private)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { CHROMIUM } from '../test/helpers/browser.js';
import { startWorld, type World } from '../test/helpers/world.js';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { runs: { type: 'string', default: '3' }, report: { type: 'string' } },
});
const modules = resolve(positionals[0] ?? '.dev/lighthouse/node_modules');
const runs = Number(values.runs);

// Lighthouse is not a dependency of the project (see scripts/lighthouse): loaded from where it was installed.
const load = async (name: string, file: string) => import(pathToFileURL(join(modules, name, file)).href);
const lighthouse = (await load('lighthouse', 'core/index.js')).default;
const chromeLauncher = await load('chrome-launcher', 'dist/index.js');
const puppeteer = (await load('puppeteer-core', 'lib/esm/puppeteer/puppeteer-core.js')).default;

const TOPICS = ['anchor watch', 'fuel check', 'bilge pump', 'sail repair', 'galley', 'radio check', 'weather', 'mooring lines'];

/** A post as a crew writes them: mostly short lines, some markdown, links, code and mentions. */
function message(n: number): string {
  const topic = TOPICS[n % TOPICS.length]!;
  switch (n % 10) {
    case 0:
      return `**${topic}** done at ${n % 24}:00, all fine. See https://example.org/log/${n}`;
    case 3:
      return `Checklist for ${topic}:\n- hatches closed\n- lines coiled\n- *radio* on channel 16`;
    case 5:
      return `@admin can you look at the ${topic}? \`pressure ${n % 7}.${n % 10} bar\``;
    case 7:
      return '```\nwind 14 kn NW\nsea 1.5 m\nvisibility good\n```';
    case 8:
      return `> ${topic} looks good\n\nAgreed, next check at ${(n % 12) + 1} o'clock.`;
    default:
      return `${topic}: ${['ok', 'checked', 'needs a look tomorrow', 'on it', 'thanks!'][n % 5]} (${n})`;
  }
}

async function seed(world: World): Promise<string> {
  const crew = await Promise.all(['mira', 'jonas', 'ana', 'pieter', 'lou'].map((name) => world.join(name)));
  const general = world.team.defaultChannelId;
  for (const [index, topic] of TOPICS.entries()) {
    const created = await world.admin.post('/api/v1/channels', {
      teamId: world.team.id,
      type: index % 3 === 2 ? 'private' : 'public',
      name: topic.replace(' ', '-'),
      displayName: topic[0]!.toUpperCase() + topic.slice(1),
    });
    await world.admin.post(`/api/v1/channels/${created.body.channel.id}/posts`, { message: `Welcome to ${topic}` });
  }
  for (const member of crew.slice(0, 3)) {
    const direct = await world.admin.post('/api/v1/channels/direct', { userId: member.id });
    await member.client.post(`/api/v1/channels/${direct.body.channel.id}/posts`, { message: 'Ahoy!' });
  }
  const writers = [world.admin, ...crew.map((member) => member.client)];
  let lastRoot = '';
  for (let n = 1; n <= 400; n++) {
    const writer = writers[(n * 7) % writers.length]!;
    const reply = n % 25 === 0 && lastRoot ? { rootId: lastRoot } : {};
    const posted = await writer.post(`/api/v1/channels/${general}/posts`, { message: message(n), ...reply });
    if (posted.status !== 201) throw new Error(`post ${n}: ${posted.status} ${JSON.stringify(posted.body)}`);
    if (n % 20 === 3) lastRoot = posted.body.post.id;
    if (n % 6 === 0) await writers[(n + 1) % writers.length]!.request('PUT', `/api/v1/posts/${posted.body.post.id}/reactions/thumbsup`);
  }
  return general;
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  tdur?: number;
  args?: { name?: string };
}

/**
 * The total blocking time counted from the main thread's CPU time instead of its wall time:
 * each top-level task after the first contentful paint, its thread time × Lighthouse's CPU
 * slowdown (4), less 50 ms. Other work on the machine stretches wall time (Lighthouse's own
 * TBT moved between 120 and 780 ms for one build here) but hardly a thread's CPU time, so this
 * compares builds on a shared machine. Counted to the end of the load, past Lighthouse's TTI.
 */
function cpuBlockingTime(events: readonly TraceEvent[]): number {
  const mains = events.filter((event) => event.name === 'thread_name' && event.args?.name === 'CrRendererMain');
  const tasksOf = (main: TraceEvent) =>
    events.filter((event) => event.pid === main.pid && event.tid === main.tid && event.ph === 'X' && event.name === 'RunTask');
  const busiest = mains
    .map((main) => ({ main, tasks: tasksOf(main) }))
    .sort((a, b) => b.tasks.reduce((sum, task) => sum + (task.tdur ?? 0), 0) - a.tasks.reduce((sum, task) => sum + (task.tdur ?? 0), 0))[0];
  const paint = events.find((event) => event.name === 'firstContentfulPaint' && event.pid === busiest?.main.pid);
  if (!busiest || !paint) return NaN;
  return Math.round(
    busiest.tasks.filter((task) => task.ts >= paint.ts).reduce((sum, task) => sum + Math.max(0, ((task.tdur ?? 0) / 1000) * 4 - 50), 0),
  );
}

interface Audit {
  numericValue?: number;
}
interface Report {
  categories: Record<string, { score: number }>;
  audits: Record<string, Audit>;
}

const METRICS = {
  'first-contentful-paint': 'FCP ms',
  'largest-contentful-paint': 'LCP ms',
  'total-blocking-time': 'TBT ms',
  'cumulative-layout-shift': 'CLS',
  'speed-index': 'SI ms',
} as const;

const world = await startWorld();
const chrome = await chromeLauncher.launch({
  chromePath: CHROMIUM,
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
});
try {
  const channelId = await seed(world);
  const browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${chrome.port}` });
  const page = await browser.newPage();
  await page.goto(world.hail.url + '/');
  const status = await page.evaluate(
    (body: string) =>
      fetch('/api/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then((r) => r.status),
    JSON.stringify({ username: 'admin', password: 'correct horse battery' }),
  );
  if (status !== 200) throw new Error(`log-in: ${status}`);
  await page.close();
  await browser.disconnect();

  const url = `${world.hail.url}/c/${channelId}`;
  const rows: Record<string, number>[] = [];
  for (let run = 1; run <= runs; run++) {
    const result = await lighthouse(url, { port: chrome.port, output: 'json', logLevel: 'error' });
    const report = result.lhr as Report;
    if (values.report) {
      mkdirSync(values.report, { recursive: true });
      writeFileSync(join(values.report, `lighthouse-${run}.json`), result.report as string);
    }
    const row: Record<string, number> = {};
    for (const [id, category] of Object.entries(report.categories)) row[id] = Math.round(category.score * 100);
    for (const [id, name] of Object.entries(METRICS)) {
      const value = report.audits[id]?.numericValue ?? NaN;
      row[name] = id === 'cumulative-layout-shift' ? Math.round(value * 1000) / 1000 : Math.round(value);
    }
    row['TBT-cpu ms'] = cpuBlockingTime((result.artifacts as { Trace: { traceEvents: TraceEvent[] } }).Trace.traceEvents);
    rows.push(row);
    console.log(
      `run ${run}: ${Object.entries(row)
        .map(([key, value]) => `${key} ${value}`)
        .join(', ')}`,
    );
  }
  const median = (key: string) => rows.map((row) => row[key]!).sort((a, b) => a - b)[Math.floor(rows.length / 2)];
  console.log(
    `median of ${rows.length}: ${Object.keys(rows[0]!)
      .map((key) => `${key} ${median(key)}`)
      .join(', ')}`,
  );
} finally {
  await chrome.kill();
  await world.dispose();
}
