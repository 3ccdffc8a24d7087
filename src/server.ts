/**
 * Starts a Hail server: opens the database, loads the node identity and the persisted clock,
 * builds the one committer, and serves REST and WebSocket on one uWebSockets.js app.
 * `stop` is the SIGTERM path: stop accepting, let queued writes finish, close sockets with a
 * reason, close the database.
 */
import uWS from 'uWebSockets.js';
import { join } from 'node:path';
import type { Config } from './config.js';
import { BoxTime } from './core/box-time.js';
import { openWriter } from './core/writer.js';
import { dataDirProblem, portProblem } from './preflight.js';
import { StartupError } from './startup-error.js';
import { hasUsers } from './core/permissions.js';
import { BlobStore } from './files/blob-store.js';
import { DiskGuard } from './files/disk-guard.js';
import { registerNotFound, registerRoutes } from './http/router.js';
import { ROUTES } from './http/routes/index.js';
import { RateLimiter } from './http/rate-limit.js';
import { endSessionsOfDeactivated, shiftSessionTimes } from './http/sessions.js';
import type { Services } from './http/services.js';
import { CLOSE_SHUTDOWN, Hub } from './realtime/hub.js';
import { registerSocket } from './realtime/socket.js';
import { registerStatic } from './http/static.js';
import { SetupCode } from './setup-code.js';
import type { Log } from './log.js';
import { AddressWatcher, boxName } from './net/addresses.js';
import { registerPages, type Reach } from './http/pages/index.js';
import { boxUrls } from './http/pages/box-urls.js';
import { MDNS_OFF, mdnsWanted, startMdns, type Mdns } from './mdns/index.js';
import { startHttps } from './tls/https.js';
import { VERSION } from './version.js';
import { startSync } from './sync/index.js';
import type { SyncService } from './sync/sync-service.js';

export interface RunningServer {
  readonly port: number;
  /** Undefined while the box has no certificate. */
  readonly httpsPort: number | undefined;
  readonly services: Services;
  stop(): Promise<void>;
}

export async function startServer(config: Config, log: Log): Promise<RunningServer> {
  // Before anything is opened: a box that cannot start must leave its data as it found it.
  const problem = dataDirProblem(config.dataDir) ?? (await portProblem(config.host, config.port));
  if (problem) throw new StartupError('cannot_start', problem);
  const boxTime = new BoxTime();
  const now = () => boxTime.now();
  const { db, identity, clock, committer } = openWriter(config.dataDir, now, (error) => log.error({ err: error }, 'commit listener failed'));
  const hub = new Hub(db);
  let mdns: Mdns = MDNS_OFF;
  let sync: SyncService | undefined;
  const blobs = new BlobStore(join(config.dataDir, 'files'));
  blobs.open();
  const services: Services = {
    config,
    db,
    log,
    identity,
    clock,
    boxTime,
    now,
    committer,
    hub,
    blobs,
    disk: new DiskGuard(config.dataDir, config),
    setupCode: new SetupCode(config.dataDir),
    nearby: () => mdns.nearby(),
    urls: () => boxUrls(reach),
    get sync() {
      return sync;
    },
    limits: {
      loginByAddress: new RateLimiter(config.loginsPerMinute / 60, config.loginsPerMinute, now),
      loginByUsername: new RateLimiter(config.loginsPerMinute / 60, config.loginsPerMinute, now),
      posts: new RateLimiter(config.postsPerSecond, config.postBurst, now),
    },
  };
  committer.onCommit((entries) => hub.publish(entries));
  committer.onCommit(endSessionsOfDeactivated(db));
  boxTime.onJump((delta, before) => shiftSessionTimes(db, delta, before));

  const addresses = new AddressWatcher();
  let port = config.port;
  const reach: Reach = {
    boxName: boxName(config.boxName),
    host: config.host,
    httpPort: () => port,
    httpsPort: () => https?.port,
    addresses: () => addresses.addresses,
    caCertFile: () => https?.caCertFile,
  };
  // HTTP and HTTPS serve the same routes, pages and WebSocket.
  const serveAll = (app: uWS.TemplatedApp) => {
    registerRoutes(app, services, ROUTES);
    registerSocket(app, services);
    registerPages(app, reach, log);
    registerStatic(app);
    registerNotFound(app);
  };
  const app = uWS.App();
  serveAll(app);
  const https = await startHttps(config, addresses, now, serveAll, log);

  const listenSocket = await new Promise<uWS.us_listen_socket>((resolve, reject) => {
    app.listen(config.host, config.port, (socket) => (socket ? resolve(socket) : reject(new StartupError('cannot_start', `cannot listen on ${config.host}:${config.port}: the port is in use or not allowed`))));
  });
  port = uWS.us_socket_local_port(listenSocket);
  if (config.sync) {
    sync = await startSync({ config, db, committer, clock, identity, boxName: reach.boxName, addresses: () => addresses.addresses, nearby: () => mdns.nearby(), now, log });
  }
  if (mdnsWanted(config.mdns, config.host)) {
    const announcement = { boxName: reach.boxName, nodeId: identity.nodeId, version: VERSION, httpPort: port, httpsPort: https?.port, syncPort: sync?.port };
    mdns = await startMdns(announcement, config.mdnsInterface, addresses, log);
  }

  // The code exists before the server says it listens, so whoever reads that line finds the file.
  const setupCode = hasUsers(db) ? undefined : services.setupCode.ensure();
  const urls = services.urls().byIp;
  log.info({ urls }, `Open ${urls.join(' or ')} in a browser on this network; ${urls[0]}join shows it as a QR code`);
  log.info({ urls, port, httpsPort: https?.port, mdnsName: mdns.name(), nodeId: identity.nodeId, dataDir: config.dataDir }, 'Hail is listening');
  if (setupCode) {
    log.info({ setupCode, file: join(config.dataDir, 'setup-code') }, `Setup code: ${setupCode} (use it to create the first administrator)`);
  }

  let stopping: Promise<void> | undefined;
  return {
    port,
    httpsPort: https?.port,
    services,
    stop() {
      stopping ??= (async () => {
        // Goodbyes first, while the network still hears this box.
        await mdns.stop();
        await sync?.stop();
        addresses.stop();
        https?.stop();
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
