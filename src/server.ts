/**
 * Starts a Hail server: opens the database, loads the node identity and the persisted clock,
 * builds the one committer, and serves REST and WebSocket on one uWebSockets.js app.
 * `stop` is the SIGTERM path: stop accepting, let queued writes finish, close sockets with a
 * reason, close the database.
 */
import uWS from 'uWebSockets.js';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './config.js';
import { Committer } from './core/commit.js';
import { decodeHlc, HybridClock } from './core/hlc.js';
import { loadIdentity } from './core/node-identity.js';
import { getMeta, openDatabase, sql } from './store/database.js';
import { registerNotFound, registerRoutes } from './http/router.js';
import { ROUTES } from './http/routes/index.js';
import { RateLimiter } from './http/rate-limit.js';
import { endSessionsOfDeactivated } from './http/sessions.js';
import type { Services } from './http/services.js';
import { CLOSE_SHUTDOWN, Hub } from './realtime/hub.js';
import { registerSocket } from './realtime/socket.js';
import { SetupCode } from './setup-code.js';
import type { Log } from './log.js';

export interface RunningServer {
  readonly port: number;
  readonly services: Services;
  stop(): Promise<void>;
}

export async function startServer(config: Config, log: Log): Promise<RunningServer> {
  mkdirSync(config.dataDir, { recursive: true });
  const db = openDatabase(join(config.dataDir, 'hail.db'));
  const identity = loadIdentity(db, config.dataDir);
  const now = () => Date.now();
  const persisted = getMeta(db, 'hlc');
  const clock = new HybridClock(now, persisted ? decodeHlc(persisted) : undefined);
  const committer = new Committer(db, identity.origin, clock, now, (error) => log.error({ err: error }, 'commit listener failed'));
  const hub = new Hub(db);
  const services: Services = {
    config,
    db,
    log,
    identity,
    clock,
    now,
    committer,
    hub,
    setupCode: new SetupCode(config.dataDir),
    limits: {
      loginByAddress: new RateLimiter(config.loginsPerMinute / 60, config.loginsPerMinute, now),
      loginByUsername: new RateLimiter(config.loginsPerMinute / 60, config.loginsPerMinute, now),
      posts: new RateLimiter(config.postsPerSecond, config.postBurst, now),
    },
  };
  committer.onCommit((entries) => hub.publish(entries));
  committer.onCommit(endSessionsOfDeactivated(db));

  const app = uWS.App();
  registerRoutes(app, services, ROUTES);
  registerSocket(app, services);
  registerNotFound(app);

  const listenSocket = await new Promise<uWS.us_listen_socket>((resolve, reject) => {
    app.listen(config.host, config.port, (socket) => (socket ? resolve(socket) : reject(new Error(`cannot listen on ${config.host}:${config.port}: the port is in use or not allowed`))));
  });
  const port = uWS.us_socket_local_port(listenSocket);

  // The code exists before the server says it listens, so whoever reads that line finds the file.
  const setupCode = sql(db, 'SELECT 1 FROM users LIMIT 1').get() === undefined ? services.setupCode.ensure() : undefined;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  log.info({ url: `http://${shownHost}:${port}/`, port, nodeId: identity.nodeId, dataDir: config.dataDir }, 'Hail is listening');
  if (setupCode) {
    log.info({ setupCode, file: join(config.dataDir, 'setup-code') }, `Setup code: ${setupCode} (use it to create the first administrator)`);
  }

  let stopping: Promise<void> | undefined;
  return {
    port,
    services,
    stop() {
      stopping ??= (async () => {
        uWS.us_listen_socket_close(listenSocket);
        await committer.drain();
        hub.closeAll(CLOSE_SHUTDOWN, 'server shutting down');
        app.close();
        db.close();
      })();
      return stopping;
    },
  };
}
