/** Durations and byte counts as the commands print them for people: "5 s", "3 h", "1.4 kB". */
const DAY_MS = 24 * 3600_000;

export const duration = (ms: number): string =>
  ms < 120_000
    ? `${Math.max(0, Math.round(ms / 1000))} s`
    : ms < 2 * 3600_000
      ? `${Math.round(ms / 60_000)} min`
      : ms < 2 * DAY_MS
        ? `${Math.round(ms / 3600_000)} h`
        : `${Math.round(ms / DAY_MS)} days`;

export const bytes = (count: number): string =>
  count < 1000
    ? `${count} B`
    : count < 1e6
      ? `${(count / 1e3).toFixed(1)} kB`
      : count < 1e9
        ? `${(count / 1e6).toFixed(1)} MB`
        : `${(count / 1e9).toFixed(1)} GB`;
