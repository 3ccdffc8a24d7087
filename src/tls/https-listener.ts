/**
 * The HTTPS side of the server: a second uWebSockets.js app (SSLApp) with the same routes and
 * WebSocket as plain HTTP, which keeps serving whatever happens here (docs/DESIGN.md: plain HTTP
 * always works).
 *
 * Certificates are replaced without a restart: the listener watches the directories of the
 * certificate and key (editors and `certbot` replace files by rename, which a watch on the
 * file itself would miss), and when they change and still match, it closes the old SSLApp and
 * listens again on the same port with a new one. Measured with uWebSockets.js 20.56: a new
 * listener cannot bind the port while the old one or any of its connections is open, nor
 * while a connection the server closed lingers in TIME_WAIT (uWS sets no SO_REUSEADDR, and
 * its child-app hand-off crashed when tried), so the old app's connections are closed and
 * the listener tries again until the port is free: at once when the clients closed first, up
 * to Linux's 60 s TIME_WAIT otherwise. Meanwhile HTTPS refuses connections and plain HTTP
 * serves on; browsers reconnect and the web client's WebSocket resumes where it was.
 * Certificates change rarely (a renewal, a new address).
 */
import uWS from 'uWebSockets.js';
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Log } from '../log.js';
import { StartupError } from '../startup-error.js';
import { checkCertificatePair, type CertificateFiles } from './certificate-pair.js';

// Writers touch a file several times (truncate, write, rename); act once they are done.
const SETTLE_MS = 300;
// Waiting for the port: TIME_WAIT lasts 60 s on Linux; give up a little after.
const RELISTEN_TRIES = 150;
const RELISTEN_DELAY_MS = 500;

export class HttpsListener {
  private readonly watchers: FSWatcher[];
  private settleTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  private constructor(
    private readonly files: CertificateFiles,
    private readonly host: string,
    readonly port: number,
    private readonly register: (app: uWS.TemplatedApp) => void,
    private readonly log: Log,
    private current: { app: uWS.TemplatedApp; socket: uWS.us_listen_socket },
  ) {
    const names = new Set([basename(files.cert), basename(files.key)]);
    this.watchers = [...new Set([dirname(files.cert), dirname(files.key)])].map((dir) =>
      watch(dir, (_event, name) => {
        if (name === null || names.has(name.toString())) this.scheduleReload();
      }),
    );
  }

  /** Checks the pair (a StartupError names the files) and listens. */
  static async start(
    files: CertificateFiles,
    host: string,
    port: number,
    register: (app: uWS.TemplatedApp) => void,
    log: Log,
  ): Promise<HttpsListener> {
    checkCertificatePair(files);
    const current = await listen(files, host, port, register);
    return new HttpsListener(files, host, uWS.us_socket_local_port(current.socket), register, log, current);
  }

  private scheduleReload(): void {
    clearTimeout(this.settleTimer);
    this.settleTimer = setTimeout(() => void this.reload(), SETTLE_MS);
  }

  private async reload(): Promise<void> {
    if (this.stopped) return;
    let subject: string;
    try {
      const certificate = checkCertificatePair(this.files);
      subject = certificate.subjectAltName ?? certificate.subject;
    } catch (error) {
      // Often the key's turn has not come yet; its change schedules another try.
      this.log.warn(
        { err: error instanceof StartupError ? error.message : error },
        'certificate changed but cannot be used yet; still serving the previous one',
      );
      return;
    }
    uWS.us_listen_socket_close(this.current.socket);
    this.current.app.close();
    for (let attempt = 1; ; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, attempt === 1 ? 0 : RELISTEN_DELAY_MS));
      if (this.stopped) return;
      try {
        this.current = await listen(this.files, this.host, this.port, this.register);
        this.log.info({ cert: this.files.cert, names: subject }, 'serving the new certificate');
        return;
      } catch (error) {
        if (attempt < RELISTEN_TRIES) continue;
        // Another program took the port: HTTPS is down until the next change or a restart; HTTP serves on.
        this.log.error({ err: error }, 'could not listen for HTTPS again with the new certificate');
        return;
      }
    }
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.settleTimer);
    for (const watcher of this.watchers) watcher.close();
    uWS.us_listen_socket_close(this.current.socket);
    this.current.app.close();
  }
}

function listen(
  files: CertificateFiles,
  host: string,
  port: number,
  register: (app: uWS.TemplatedApp) => void,
): Promise<{ app: uWS.TemplatedApp; socket: uWS.us_listen_socket }> {
  const app = uWS.SSLApp({ cert_file_name: files.cert, key_file_name: files.key });
  register(app);
  return new Promise((resolve, reject) => {
    app.listen(host, port, (socket) =>
      socket
        ? resolve({ app, socket })
        : reject(
            new StartupError(
              'cannot_start',
              `cannot listen for HTTPS on ${host}:${port}: the port is in use or not allowed; set https_port.`,
            ),
          ),
    );
  });
}
