/** What `hail export` and the admin's export download take: a team's name, and a date to start from. */
import type { ExportFilter } from './mattermost-export.js';

/** The filter, or a sentence saying what is wrong with it. */
export function exportFilter(team: string | undefined, since: string | undefined): ExportFilter | string {
  const time = since === undefined ? undefined : Date.parse(since);
  if (time !== undefined && Number.isNaN(time)) return `--since: a date such as 2024-05-01 (got "${since}").`;
  return { teamName: team, since: time };
}
