/** Liveness for supervisors, and the server's identity for admins. */
import { allNameClashes } from '../../store/read/name-clashes.js';
import { defineRoute } from '../route.js';
import { databaseBytes, databaseFile, sql } from '../../store/database.js';
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
    summary:
      "Server status (admin): version, node id, origin, uptime, counts, connected clients, and the clock: the system time (`systemMs`), the box's now (`nowMs`), the hybrid clock's time (`hlcMs`), what clients' clocks agree on (`clientsMs`, null until three users agree; see the `clock` frame) from how many users (`reporters`), which one the box uses (`source`: `system` or `clients`; clients only while the system clock is clearly wrong), and `suspect` when the system clock is clearly wrong: behind the build date, or more than 11 minutes behind the hybrid clock (a box that booted without knowing the time). `disk` gives the free bytes, both floors and whether uploads and writes are allowed; `filesBytes` and `databaseBytes` what files and the database take. `nearby` lists what mDNS found on the network: other Hail boxes (`hail`) and Signal K servers (`signalk`), each with `name`, `host`, `port`, `addresses` and its `txt` record (a box's `node`, `version` and ports). `urls` are the box's own addresses as its join page prints them: `byIp` (plain HTTP, the first being the one to share), `byName` (its mDNS name; absent when it listens on one address) and `httpsByName` (absent without a certificate); the app makes invite links from them when it runs on the box itself. `nameClashes`: names a merge of two boxes' histories settled (two `alice`, two `#weather`, two teams `crew`: the later one got a suffix), each `kind` (`user`, `team`, `channel`), `id`, `requested`, `name` and, for a channel, `teamId`.",
    access: 'admin',
    async handle({ services }) {
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
        clock: services.boxTime.state(services.clock.current.ms),
        disk: services.disk.report(),
        filesBytes: await services.blobs.totalBytes(),
        databaseBytes: databaseBytes(databaseFile(services.config.dataDir)),
        nearby: services.nearby(),
        urls: services.urls(),
        nameClashes: allNameClashes(services.db),
      };
    },
  }),
];
