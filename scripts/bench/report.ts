/**
 * Renders results as the Markdown tables of docs/BENCHMARKS.md: medians of the repetitions,
 * each peer's ratio to Hail (peer ÷ Hail, so below 1 means the peer used less or was faster),
 * and docs/DESIGN.md's budgets beside Hail's results.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import type { ReadMarkResult } from './read-marks.js';
import type { FanoutResult, HistoryResult, SaturationResult } from './scenarios.js';
import { SOAK_TOLERANCE, type SoakResult } from './soak.js';
import { SATURATION_P99_MS } from './scenarios.js';
import { median } from './stats.js';

const ms = (value: number) => (Number.isNaN(value) ? 'n/a' : value < 10 ? value.toFixed(2) : value.toFixed(1));
const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
const ratio = (peer: number, hail: number) => (hail > 0 && Number.isFinite(peer / hail) ? `${(peer / hail).toFixed(2)}×` : 'n/a');
const row = (cells: readonly (string | number)[]) => `| ${cells.join(' | ')} |`;

function table(head: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  return [row(head), row(head.map(() => '---')), ...rows.map(row)].join('\n');
}

function packageVersion(name: string): string {
  const query = spawnSync('dpkg-query', ['-W', '-f=${Version}', name], { encoding: 'utf8' });
  return query.status === 0 ? query.stdout : 'not installed';
}

export function machine(): string {
  const os = /^PRETTY_NAME="?([^"\n]*)/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? 'unknown';
  return table(
    ['what', 'value'],
    [
      ['CPU', `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`],
      ['RAM', `${(totalmem() / 1024 ** 3).toFixed(1)} GiB`],
      ['kernel', release()],
      ['system the servers ran on', os],
      ['Node.js', process.version],
      ['ngircd', packageVersion('ngircd')],
      ['prosody', packageVersion('prosody')],
    ],
  );
}

const medianRun = (result: FanoutResult, pick: (run: FanoutResult['runs'][number]) => number) => median(result.runs.map(pick));

export function fanoutTable(results: readonly FanoutResult[]): string {
  const hail = results.find((result) => result.server === 'Hail');
  const rows = results.map((result) => {
    const p50 = medianRun(result, (run) => run.latency.p50);
    const p99 = medianRun(result, (run) => run.latency.p99);
    const cpu = medianRun(result, (run) => run.cpuPercent);
    const delivered = result.runs.reduce((sum, run) => sum + run.delivered, 0);
    const expected = result.runs.reduce((sum, run) => sum + run.expected, 0);
    const versus = (pick: (run: FanoutResult['runs'][number]) => number, value: number) =>
      hail && result !== hail ? ratio(value, medianRun(hail, pick)) : '1';
    return [
      result.server,
      result.persists ? 'yes (fsync)' : 'no',
      ms(p50),
      ms(medianRun(result, (run) => run.latency.p95)),
      ms(p99),
      ms(medianRun(result, (run) => run.latency.max)),
      `${delivered} / ${expected}`,
      cpu.toFixed(0),
      mib(result.peakRssBytes),
      versus((run) => run.latency.p50, p50),
      versus((run) => run.latency.p99, p99),
      versus((run) => run.cpuPercent, cpu),
      hail && result !== hail ? ratio(result.peakRssBytes, hail.peakRssBytes) : '1',
    ];
  });
  return table(
    [
      'server',
      'persists',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'max ms',
      'delivered / expected',
      'server CPU %',
      'peak RSS MiB',
      'p50 vs Hail',
      'p99 vs Hail',
      'CPU vs Hail',
      'RSS vs Hail',
    ],
    rows,
  );
}

export function saturationTable(results: readonly SaturationResult[]): string {
  const best = (result: SaturationResult) => [...result.steps].reverse().find((step) => step.passed);
  const hailBest = results.find((result) => result.server === 'Hail');
  const hailRate = hailBest ? (best(hailBest)?.acceptedPerSecond ?? 0) : 0;
  return table(
    [
      'server',
      'highest step passed (msg/s)',
      'achieved msg/s there',
      'p99 ms there',
      'server CPU % there',
      'next step',
      'achieved vs Hail',
    ],
    results.map((result) => {
      const passed = best(result);
      const last = result.steps[result.steps.length - 1]!;
      const stopped = last.passed
        ? 'none: the last step passed'
        : `${last.rate}/s: p99 ${ms(last.latency.p99)} ms, ${last.expected - last.delivered} of ${last.expected} deliveries missing`;
      return [
        result.server,
        passed ? passed.rate : 'none',
        passed ? passed.acceptedPerSecond.toFixed(0) : 'n/a',
        passed ? ms(passed.latency.p99) : 'n/a',
        passed ? passed.cpuPercent.toFixed(0) : 'n/a',
        stopped,
        result === hailBest ? '1' : ratio(passed?.acceptedPerSecond ?? 0, hailRate),
      ];
    }),
  );
}

export function saturationSteps(result: SaturationResult): string {
  return table(
    [
      'rate msg/s',
      'achieved msg/s',
      'p50 ms',
      'p99 ms',
      'max ms',
      'delivered / expected',
      'server CPU %',
      `p99 ≤ ${SATURATION_P99_MS} ms and nothing lost`,
    ],
    result.steps.map((step) => [
      step.rate,
      step.acceptedPerSecond.toFixed(0),
      ms(step.latency.p50),
      ms(step.latency.p99),
      ms(step.latency.max),
      `${step.delivered} / ${step.expected}`,
      step.cpuPercent.toFixed(0),
      step.passed ? 'yes' : 'no',
    ]),
  );
}

export function rssTable(results: readonly FanoutResult[]): string {
  const hail = results.find((result) => result.server === 'Hail');
  return table(
    ['server', 'RSS idle MiB', `RSS with ${results[0]?.receivers ?? 0} idle clients MiB`, 'idle vs Hail', 'with clients vs Hail'],
    results.map((result) => [
      result.server,
      mib(result.idleRssBytes),
      mib(result.connectedRssBytes),
      hail && result !== hail ? ratio(result.idleRssBytes, hail.idleRssBytes) : '1',
      hail && result !== hail ? ratio(result.connectedRssBytes, hail.connectedRssBytes) : '1',
    ]),
  );
}

export function historyTable(result: HistoryResult): string {
  return table(
    ['what', 'result'],
    [
      ['posts in the database (one channel)', result.messages.toLocaleString('en')],
      ['database size (hail.db + WAL)', `${mib(result.databaseBytes)} MiB`],
      ['time to generate it through Committer.commit', `${result.generateSeconds.toFixed(1)} s`],
      [
        `spawn to "Hail is listening", median of ${result.listeningMs.length}`,
        `${ms(median(result.listeningMs))} ms (${result.listeningMs.map(ms).join(', ')})`,
      ],
      [
        `spawn to first 200 from /healthz, median of ${result.healthyMs.length}`,
        `${ms(median(result.healthyMs))} ms (${result.healthyMs.map(ms).join(', ')})`,
      ],
      ['RSS right after start', `${mib(result.rssAfterStartBytes)} MiB`],
      [
        `history page of 50 at a random cursor, ${result.page.count} requests`,
        `p50 ${ms(result.page.p50)} ms, p95 ${ms(result.page.p95)} ms, p99 ${ms(result.page.p99)} ms, max ${ms(result.page.max)} ms`,
      ],
      ...result.search.map(({ query, latency }) => [
        `search \`${query}\`, ${latency.count} requests`,
        `p50 ${ms(latency.p50)} ms, p99 ${ms(latency.p99)} ms, max ${ms(latency.max)} ms`,
      ]),
    ],
  );
}

export interface BudgetInputs {
  readonly idle?: FanoutResult;
  readonly fanout500?: FanoutResult;
  readonly saturation?: SaturationResult;
  readonly history?: HistoryResult;
}

export function budgetTable({ idle, fanout500, saturation, history }: BudgetInputs): string {
  const verdict = (met: boolean | undefined) => (met === undefined ? 'not measured' : met ? 'met' : '**missed**');
  const p99 = fanout500 ? medianRun(fanout500, (run) => run.latency.p99) : undefined;
  const sustained = saturation ? ([...saturation.steps].reverse().find((step) => step.passed)?.acceptedPerSecond ?? 0) : undefined;
  const start = history ? median(history.healthyMs) : undefined;
  const searchP99 = history && history.search.length > 0 ? Math.max(...history.search.map(({ latency }) => latency.p99)) : undefined;
  const rows: (string | number)[][] = [
    ['server RSS idle', '≤ 60 MB', idle ? `${mib(idle.idleRssBytes)} MiB` : 'n/a', verdict(idle && idle.idleRssBytes <= 60e6)],
    [
      'server RSS with 500 connected clients',
      '≤ 150 MB',
      fanout500 ? `${mib(fanout500.connectedRssBytes)} MiB idle, ${mib(fanout500.peakRssBytes)} MiB peak under load` : 'n/a',
      verdict(fanout500 && fanout500.peakRssBytes <= 150e6),
    ],
    [
      'message to 500 readers, 100 msg/s, persisted',
      'p99 ≤ 50 ms',
      p99 === undefined ? 'n/a' : `p99 ${ms(p99)} ms`,
      verdict(p99 === undefined ? undefined : p99 <= 50),
    ],
    [
      'accepted messages/s, one channel, 100 readers',
      '≥ 2,000',
      sustained === undefined ? 'n/a' : `${sustained.toFixed(0)}/s`,
      verdict(sustained === undefined ? undefined : sustained >= 2000),
    ],
    [
      `cold start with ${history ? history.messages.toLocaleString('en') : 'n/a'} messages`,
      '≤ 1 s (at 1M)',
      start === undefined ? 'n/a' : `${ms(start)} ms to /healthz`,
      verdict(start === undefined ? undefined : start <= 1000),
    ],
    [
      'history page at that size',
      'p99 ≤ 5 ms (at 1M)',
      history ? `p99 ${ms(history.page.p99)} ms` : 'n/a',
      verdict(history ? history.page.p99 <= 5 : undefined),
    ],
    [
      'search at that size (worst query)',
      '≤ 50 ms (at 1M)',
      searchP99 === undefined ? 'n/a' : `p99 ${ms(searchP99)} ms`,
      verdict(searchP99 === undefined ? undefined : searchP99 <= 50),
    ],
  ];
  return table(['budget (DESIGN.md)', 'target', 'Hail here', 'verdict'], rows);
}

export function readMarkTable(results: readonly ReadMarkResult[]): string {
  const percent = (part: number, whole: number) => (whole > 0 ? `${((part / whole) * 100).toFixed(1)} %` : 'n/a');
  return table(
    ['marked read', 'readers', 'seconds', 'posts', 'read marks', 'all ops', 'read marks / all ops', 'read marks written at stop'],
    results.map((result) => [
      result.policy,
      result.readers,
      result.seconds,
      result.posts,
      result.readMarks,
      result.ops,
      percent(result.readMarks, result.ops),
      result.readMarksAtStop,
    ]),
  );
}

export function soakTable(result: SoakResult): string {
  const first = result.samples[0]!;
  const end = result.samples.at(-1)!;
  const change = (result.lastMeanRssBytes - result.middleMeanRssBytes) / result.middleMeanRssBytes;
  return table(
    ['what', 'result'],
    [
      ["Node options beyond the unit's", result.nodeOptions === '' ? 'none' : `\`${result.nodeOptions}\``],
      ['minutes posting', (result.settings.durationMs / 60_000).toFixed(0)],
      ['posts accepted / refused', `${result.accepted} / ${result.refused}`],
      ['resumes', result.resumes],
      [
        'posts delivered / expected (each socket, every post once)',
        `${result.delivered} / ${result.accepted * result.settings.users * result.settings.socketsPerUser}, ${result.duplicates} twice`,
      ],
      ['RSS first → last sample MiB', `${mib(first.rssBytes)} → ${mib(end.rssBytes)}`],
      ['heap used first → last MiB', `${mib(first.heapUsedBytes)} → ${mib(end.heapUsedBytes)}`],
      ['external first → last MiB', `${mib(first.externalBytes)} → ${mib(end.externalBytes)}`],
      [
        'after a full GC: RSS, heap used, external MiB',
        `${mib(result.afterGc.rssBytes)}, ${mib(result.afterGc.heapUsedBytes)}, ${mib(result.afterGc.externalBytes)}`,
      ],
      [
        'mean RSS, middle third → last third MiB',
        `${mib(result.middleMeanRssBytes)} → ${mib(result.lastMeanRssBytes)} (${change >= 0 ? '+' : ''}${(change * 100).toFixed(1)} %)`,
      ],
      [`plateau (last third within ${SOAK_TOLERANCE * 100} % of the middle)`, result.plateau ? 'yes' : '**no**'],
    ],
  );
}

export function soakSamplesTable(result: SoakResult): string {
  return table(
    ['s', 'posts', 'RSS MiB', 'of it anonymous MiB', 'heap used MiB', 'heap total MiB', 'external MiB'],
    result.samples.map((sample) => [
      sample.atS.toFixed(0),
      sample.posts,
      mib(sample.rssBytes),
      mib(sample.rssAnonBytes),
      mib(sample.heapUsedBytes),
      mib(sample.heapTotalBytes),
      mib(sample.externalBytes),
    ]),
  );
}
