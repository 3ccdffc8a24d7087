/**
 * Starts a Hail server: opens the database, loads the node identity and the persisted clock,
 * builds the one committer, and serves REST and WebSocket on one uWebSockets.js app.
 * `stop` is the SIGTERM path: stop accepting, answer every request under way (their writes
 * included), close sockets with a reason, close the database.
 */
import uWS from 'uWebSockets.js';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './config.js';
import { BoxTime } from './core/box-time.js';
import { openWriter, type Writer } from './core/writer.js';
import { isOutOfSpace } from './store/database.js';
import { dataDirProblem, portProblem } from './preflight.js';
import { StartupError } from './startup-error.js';
import { hasUsers } from './core/permissions.js';
import { BlobStore } from './files/blob-store.js';
import { DiskGuard } from './files/disk-guard.js';
import { PictureMaker } from './files/picture-maker.js';
import { guardApp, RequestTracker } from './http/guard.js';
import { registerNotFound, registerRoutes } from './http/router.js';
import { ROUTES } from './http/routes/index.js';
import { RateLimiter } from './http/rate-limit.js';
import { endSessionsOfDeactivated, shiftSessionTimes } from './http/sessions.js';
import type { Services } from './http/services.js';
import { CLOSE_SHUTDOWN, Hub } from './realtime/hub.js';
import { ReadMarks } from './core/read-marks.js';
import { registerSocket } from './realtime/socket.js';
import { registerStatic } from './http/static.js';
import { SetupCode } from './setup-code.js';
import type { Log } from './log.js';
import { AddressWatcher, boxName } from './net/addresses.js';
import { waitForAddress } from './net/address-up.js';
import { registerPages, type Reach } from './http/pages/index.js';
import { boxUrls } from './http/pages/box-urls.js';
import { MDNS_OFF, mdnsWanted, startMdns, type Mdns } from './mdns/index.js';
import { startHttps } from './tls/https.js';
import { BUILT_AT_MS, VERSION } from './version.js';

/** How long a stop waits for the requests under way to be answered. */
const STOP_REQUESTS_MS = 3000;
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
  const dataProblem = dataDirProblem(config.dataDir);
  if (dataProblem) throw new StartupError('cannot_start', dataProblem);
  await waitForAddress(config.host, log);
  const portTaken = await portProblem(config.host, config.port);
  if (portTaken) throw new StartupError('cannot_start', portTaken);
  let writer: Writer | undefined;
  const boxTime = new BoxTime({ builtAtMs: BUILT_AT_MS, newestMs: () => writer?.clock.current.ms ?? 0 });
  const now = () => boxTime.now();
  // A full disk must not keep the box from serving what it holds: reads work, writes answer 507
  // (the DiskGuard) until space is freed, and then work again without a restart.
  mkdirSync(config.dataDir, { recursive: true });
  const disk = new DiskGuard(config.dataDir, config);
  const diskFull = !disk.report().writesAllowed;
  if (diskFull)
    log.warn(
      { freeBytes: disk.freeBytes(), dataDir: config.dataDir },
      'The disk is full: serving reads; every write is refused until space is freed.',
    );
  const open = (exclusive: boolean) =>
    openWriter(config.dataDir, now, (error) => log.error({ err: error }, 'commit listener failed'), { exclusive });
  try {
    writer = open(false);
  } catch (error) {
    if (!(diskFull && isOutOfSpace(error))) throw error;
    log.warn(
      { err: error },
      'SQLite cannot grow its shared-memory file on this full disk: the server holds the database alone, and hail commands cannot open it until the server restarts.',
    );
    writer = open(true);
  }
  const { db, identity, clock, committer } = writer;
  if (boxTime.beyondReach(clock.current.ms)) {
    log.warn(
      { hlc: new Date(clock.current.ms).toISOString() },
      'the hybrid clock is far ahead of the system clock: new posts keep its time (docs/OPERATIONS.md "The box\'s clock")',
    );
  }
  const hub = new Hub(db, { perUser: config.socketsPerUser, perAddress: config.socketsPerAddress });
  const readMarks = new ReadMarks(db, clock, committer, now, config.readMarkSettleMs);
  const settleReadMarks = setInterval(
    () => void readMarks.settle().catch((error: unknown) => log.warn({ err: error }, 'read positions could not be written; retrying')),
    Math.max(50, Math.min(config.readMarkSettleMs / 4, 30_000)),
  ).unref();
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
    readMarks,
    hub,
    blobs,
    pictures: new PictureMaker(),
    disk,
    setupCode: new SetupCode(config.dataDir),
    nearby: () => mdns.nearby(),
    urls: () => boxUrls(reach),
    get sync() {
      return sync;
    },
    limits: {
      loginByAddress: new RateLimiter(config.loginsPerMinute / 60, config.loginsPerMinute),
      loginByUsername: new RateLimiter(config.loginsPerMinute / 60, config.loginsPerMinute),
      posts: new RateLimiter(config.postsPerSecond, config.postBurst),
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
  // Every handler runs guarded (http/guard.ts): nothing a client sends can end the process.
  const requests = new RequestTracker();
  const serveAll = (unguarded: uWS.TemplatedApp, secure: boolean) => {
    const app = guardApp(unguarded, log, requests);
    registerRoutes(app, services, ROUTES, secure);
    registerSocket(app, services, secure);
    registerPages(app, reach, log);
    registerStatic(app);
    registerNotFound(app);
  };
  const app = uWS.App();
  serveAll(app, false);
  const https = await startHttps(config, addresses, now, (secureApp) => serveAll(secureApp, true), log);

  const listenSocket = await new Promise<uWS.us_listen_socket>((resolve, reject) => {
    app.listen(config.host, config.port, (socket) =>
      socket
        ? resolve(socket)
        : reject(new StartupError('cannot_start', `cannot listen on ${config.host}:${config.port}: the port is in use or not allowed`)),
    );
  });
  port = uWS.us_socket_local_port(listenSocket);
  if (config.sync) {
    sync = await startSync({
      config,
      db,
      committer,
      identity,
      boxName: reach.boxName,
      addresses: () => addresses.addresses,
      nearby: () => mdns.nearby(),
      now,
      hearPeerClock: (nodeId, ms) => boxTime.hearPeer(nodeId, ms),
      log,
    });
  }
  if (mdnsWanted(config.mdns, config.host)) {
    const announcement = {
      boxName: reach.boxName,
      nodeId: identity.nodeId,
      version: VERSION,
      httpPort: port,
      httpsPort: https?.port,
      syncPort: sync?.port,
    };
    mdns = await startMdns(announcement, config.mdnsInterface, addresses, log, () => sync?.refresh());
  }

  // The code exists before the server says it listens, so whoever reads that line finds the file.
  const setupCode = hasUsers(db) || diskFull ? undefined : services.setupCode.ensure();
  const urls = services.urls().byIp;
  log.info({ urls }, `Open ${urls.join(' or ')} in a browser on this network; ${urls[0]}join shows it as a QR code`);
  log.info(
    { urls, port, httpsPort: https?.port, mdnsName: mdns.name(), nodeId: identity.nodeId, dataDir: config.dataDir },
    'Hail is listening',
  );
  if (setupCode) {
    log.info(
      { setupCode, file: join(config.dataDir, 'setup-code') },
      `Setup code: ${setupCode} (use it to create the first administrator)`,
    );
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
        // Every request under way is answered (its commit done, its 201 written) before the app
        // and the database close; new ones get 503. Within main.ts's 5 s budget before exit.
        await requests.close(STOP_REQUESTS_MS);
        clearInterval(settleReadMarks);
        await readMarks.settle(true).catch((error: unknown) => log.error({ err: error }, 'read positions were not written'));
        await committer.drain();
        hub.closeAll(CLOSE_SHUTDOWN, 'server shutting down');
        app.close();
        db.close();
      })();
      return stopping;
    },
  };
}
