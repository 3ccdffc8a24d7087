/** Liveness for supervisors, and the server's identity for admins. */
import { defineRoute } from '../router.js';
import { sql } from '../../store/database.js';
import { VERSION } from '../../version.js';

// Beyond a minute, the box's clock is more likely wrong than the phones' it has heard from.
const CLOCK_SUSPECT_MS = 60_000;

const clockState = (systemMs: number, hlcMs: number) => ({ systemMs, hlcMs, suspect: hlcMs - systemMs > CLOCK_SUSPECT_MS });

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
    summary: 'Server status (admin): version, node id, origin, uptime, counts, connected clients, and the clock: the system time, the hybrid clock\'s time, and `suspect` when the system clock is more than a minute behind the hybrid clock (a box that booted without knowing the time).',
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
        messages: (sql(services.db, 'SELECT count(*) AS n FROM posts WHERE deleted = 0').get() as { n: number }).n,
        ops: count('ops'),
        connectedClients: services.hub.connectionCount,
        clock: clockState(services.now(), services.clock.current.ms),
      };
    },
  }),
];
