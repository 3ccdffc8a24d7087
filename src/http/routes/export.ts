/** The admin's export download: the same zip as `hail export`, in Mattermost's bulk format, streamed as it is made. */
import { Type } from '@sinclair/typebox';
import { StreamReply } from '../answers.js';
import { defineRoute } from '../route.js';
import { badRequest, notFound } from '../../core/errors.js';
import { exportFilter } from '../../export/export-filter.js';
import { mattermostExportZip } from '../../export/mattermost-zip.js';
import { contentDisposition } from '../../files/download-headers.js';
import { sql } from '../../store/database.js';

export default [
  defineRoute({
    method: 'get',
    path: '/api/v1/admin/export',
    summary:
      'Everything on this box as a Mattermost bulk export (admin), the same zip as `hail export`: teams, channels, accounts ' +
      '(without passwords), posts with threads, reactions and pins, conversations, and the files under `data/`. `team` limits it ' +
      'to one team (without conversations), `since` (a date) to the threads started since.',
    access: 'admin',
    query: Type.Object(
      { team: Type.Optional(Type.String({ maxLength: 64 })), since: Type.Optional(Type.String({ maxLength: 64 })) },
      { additionalProperties: false },
    ),
    async handle({ services, query }) {
      const filter = exportFilter(query.team, query.since);
      if (typeof filter === 'string') throw badRequest('invalid_query', filter.replace('--since', 'since'));
      if (filter.teamName !== undefined && !sql(services.db, 'SELECT 1 FROM teams WHERE name = ?').get(filter.teamName)) {
        throw notFound('team_not_found', `There is no team ${filter.teamName}.`);
      }
      const zip = await mattermostExportZip(services.db, services.blobs, filter);
      const name = `hail-export-${new Date(services.now()).toISOString().slice(0, 10)}.zip`;
      const headers = {
        'Content-Type': 'application/zip',
        'Content-Disposition': contentDisposition('attachment', name),
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
      };
      return new StreamReply(200, headers, zip.stream);
    },
  }),
];
