/** Liveness for supervisors, and the server's identity for admins. */
import { defineRoute } from '../router.js';
import { sql } from '../../store/database.js';
import { VERSION } from '../../version.js';

export default [
  defineRoute({
    method: 'get',
    path: '/healthz',
    summary: 'Liveness: 200 with `{"ok":true}` while the server answers and its database reads.',
    access: 'public',
    handle({ services }) {
      sql(services.db, 'SELECT 1').get();
      return { ok: true };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/status',
    summary: 'Server status (admin): version, node id, origin, uptime, counts, connected clients.',
    access: 'admin',
    handle({ services }) {
      const count = (table: string) => (sql(services.db, `SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
      return {
        version: VERSION,
        nodeId: services.identity.nodeId,
        origin: services.identity.origin,
        uptimeSeconds: Math.round(process.uptime()),
        users: count('users'),
        posts: count('posts'),
        ops: count('ops'),
        connectedClients: services.hub.connectionCount,
      };
    },
  }),
];
