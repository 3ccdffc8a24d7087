/**
 * The benchmark suite: the quick and long settings, running the scenarios of issue 6 against
 * Hail and, in the same run, against ngircd and Prosody, and the Markdown report of it all.
 */
import type { ServerName } from './chat-server.js';
import { preparePeers } from './peers.js';
import { readMarks, type ReadMarkResult } from './read-marks.js';
import {
  budgetTable,
  fanoutTable,
  historyTable,
  machine,
  readMarkTable,
  rssTable,
  saturationSteps,
  saturationTable,
  soakSamplesTable,
  soakTable,
} from './report.js';
import { measureSync, syncTable, type SyncResult } from './sync-budgets.js';
import {
  STARTERS,
  coldStartAndHistory,
  fanout,
  saturation,
  type FanoutResult,
  type HistoryResult,
  type SaturationResult,
} from './scenarios.js';
import { soak, type SoakResult, type SoakSettings } from './soak.js';

export interface Settings {
  readonly name: string;
  readonly repetitions: number;
  readonly fanoutMs: number;
  readonly saturationRates: readonly number[];
  readonly saturationStepMs: number;
  readonly historyMessages: number;
  readonly coldStarts: number;
  readonly historyPages: number;
  readonly readMarksMs: number;
  /** Scenario 8, the soak (soak.ts): how long it posts. */
  readonly soakMs: number;
  /** Scenario 9, sync between two boxes (sync-budgets.ts): the catch-up's backlog. */
  readonly syncBacklog: number;
}

export const QUICK: Settings = {
  name: 'quick',
  repetitions: 3,
  fanoutMs: 3000,
  saturationRates: [100, 250, 500, 1000, 1500, 2000, 3000, 4000, 6000, 8000, 12000],
  saturationStepMs: 2000,
  // Generating posts through the commit path runs at about 4,500 a second here, so the quick
  // set's database is a tenth of the budget's million; the long set builds the full million.
  historyMessages: 100_000,
  coldStarts: 3,
  historyPages: 1000,
  readMarksMs: 30_000,
  // Long enough for 12 samples, so the thirds the verdict compares hold 4 each.
  soakMs: 7 * 60_000,
  syncBacklog: 100_000,
};

export const LONG: Settings = {
  name: 'long',
  repetitions: 5,
  fanoutMs: 15_000,
  saturationRates: [100, 250, 500, 750, 1000, 1500, 2000, 2500, 3000, 4000, 5000, 6000, 8000, 10_000, 12_000, 16_000],
  saturationStepMs: 5000,
  historyMessages: 1_000_000,
  coldStarts: 5,
  historyPages: 5000,
  readMarksMs: 180_000,
  soakMs: 60 * 60_000,
  syncBacklog: 100_000,
};

export const SERVERS: readonly ServerName[] = ['hail', 'ngircd', 'prosody'];
const READ_MARK_READERS = 50;

export const log = (line: string): void => {
  process.stderr.write(`[bench] ${line}\n`);
};

export interface Results {
  readonly settings: Settings;
  readonly skipped: Record<string, string>;
  scenario1?: FanoutResult[];
  scenario2?: FanoutResult[];
  scenario3?: SaturationResult[];
  scenario5?: HistoryResult;
  scenario7?: ReadMarkResult[];
  scenario8?: SoakResult;
  scenario9?: SyncResult;
}

/** `soakRuntime`: Node options for the soak's server beyond the unit's, and where to write heap snapshots, if anywhere. */
export async function runBenchmarks(
  settings: Settings,
  servers: readonly ServerName[],
  scenarios: ReadonlySet<number>,
  soakRuntime: Pick<SoakSettings, 'nodeOptions' | 'snapshotDir'> = {},
): Promise<Results> {
  const problems = preparePeers(
    servers.filter((name): name is Exclude<ServerName, 'hail'> => name !== 'hail'),
    log,
  );
  const available = servers.filter((name) => !problems.has(name));
  const results: Results = { settings, skipped: Object.fromEntries(problems) };
  for (const [name, why] of problems) log(`skipping ${name}: ${why}`);
  const each = async <T>(label: string, work: (name: ServerName) => Promise<T>): Promise<T[]> => {
    const done: T[] = [];
    for (const name of available) {
      log(`${label}: ${name}`);
      done.push(await work(name));
    }
    return done;
  };
  if (scenarios.has(1))
    results.scenario1 = await each('scenario 1, 50 receivers at 200 msg/s', (name) =>
      fanout(STARTERS[name], 50, 200, settings.fanoutMs, settings.repetitions),
    );
  if (scenarios.has(2) || scenarios.has(4))
    results.scenario2 = await each('scenarios 2 and 4, 500 receivers at 100 msg/s', (name) =>
      fanout(STARTERS[name], 500, 100, settings.fanoutMs, settings.repetitions),
    );
  if (scenarios.has(3))
    results.scenario3 = await each('scenario 3, saturation with 100 receivers', (name) =>
      saturation(STARTERS[name], 100, settings.saturationRates, settings.saturationStepMs),
    );
  if (scenarios.has(5) || scenarios.has(6)) {
    log(`scenarios 5 and 6: generating ${settings.historyMessages} posts, cold starts, history pages`);
    results.scenario5 = await coldStartAndHistory(settings.historyMessages, settings.coldStarts, settings.historyPages);
  }
  if (scenarios.has(7)) {
    results.scenario7 = [];
    for (const policy of ['per burst', 'on leaving'] as const) {
      log(`scenario 7, read marks of ${READ_MARK_READERS} readers in a busy channel, marked ${policy}`);
      results.scenario7.push(await readMarks(policy, READ_MARK_READERS, settings.readMarksMs));
    }
  }
  if (scenarios.has(8)) {
    log(`scenario 8, soak for ${settings.soakMs / 60_000} min: 100 sockets, 20 posts/s, a fifth resuming every 30 s`);
    results.scenario8 = await soak({ ...SOAK, ...soakRuntime, durationMs: settings.soakMs }, log);
  }
  if (scenarios.has(9)) {
    log(`scenario 9, sync between two boxes on loopback: a catch-up of ${settings.syncBacklog} posts, an empty round, live posts`);
    results.scenario9 = await measureSync(settings.syncBacklog, log);
  }
  return results;
}

/** Scenario 8 as issue 16 describes it; only its length differs between the sets. */
export const SOAK = { sampleMs: 30_000, dropEveryMs: 30_000, users: 20, socketsPerUser: 5, postsPerSecond: 20 } as const;

export function renderReport(results: Results): string {
  const { settings } = results;
  const sections = [
    `### Machine\n\n${machine()}`,
    `Set: ${settings.name} (${settings.repetitions} repetitions of ${settings.fanoutMs / 1000} s for scenarios 1 and 2, medians shown; saturation steps of ${settings.saturationStepMs / 1000} s).`,
  ];
  for (const [name, why] of Object.entries(results.skipped)) sections.push(`Skipped ${name}: ${why}.`);
  const hailOf = <T extends { server: string }>(list: readonly T[] | undefined) => list?.find((result) => result.server === 'Hail');
  sections.push(
    `### Budgets\n\n${budgetTable({ idle: hailOf(results.scenario2), fanout500: hailOf(results.scenario2), saturation: hailOf(results.scenario3), history: results.scenario5 })}`,
  );
  if (results.scenario1) sections.push(`### Scenario 1: 50 receivers, 200 messages/s\n\n${fanoutTable(results.scenario1)}`);
  if (results.scenario2) sections.push(`### Scenario 2: 500 receivers, 100 messages/s\n\n${fanoutTable(results.scenario2)}`);
  if (results.scenario3) {
    sections.push(`### Scenario 3: saturation, 100 receivers\n\n${saturationTable(results.scenario3)}`);
    for (const result of results.scenario3) sections.push(`#### ${result.server}, step by step\n\n${saturationSteps(result)}`);
  }
  if (results.scenario2) sections.push(`### Scenario 4: memory, idle and with 500 idle clients\n\n${rssTable(results.scenario2)}`);
  if (results.scenario5)
    sections.push(
      `### Scenarios 5 and 6: cold start and history at ${results.scenario5.messages.toLocaleString('en')} messages (Hail only)\n\n${historyTable(results.scenario5)}`,
    );
  if (results.scenario7) sections.push(`### Scenario 7: read marks in a busy channel (Hail only)\n\n${readMarkTable(results.scenario7)}`);
  if (results.scenario8) {
    sections.push(
      `### Scenario 8: soak, 100 sockets, 20 posts/s, a fifth resuming every 30 s (Hail only)\n\n${soakTable(results.scenario8)}`,
    );
    sections.push(`#### Samples\n\n${soakSamplesTable(results.scenario8)}`);
  }
  if (results.scenario9) sections.push(`### Scenario 9: sync between two boxes on loopback (Hail only)\n\n${syncTable(results.scenario9)}`);
  return `${sections.join('\n\n')}\n`;
}
