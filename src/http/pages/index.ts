/**
 * The HTML pages and downloads served beside the JSON API, on HTTP and HTTPS alike: `/join`
 * and `/trust` (with the CA as `/trust/hail-ca.crt` and `/trust/hail-ca.mobileconfig`). They
 * are for people, not programs, so they live outside the route table and docs/API.md; they
 * need no login, because whoever stands on the boat's wifi may join and trust it.
 */
import type { HttpRequest, HttpResponse, TemplatedApp } from 'uWebSockets.js';
import type { Log } from '../../log.js';
import type { Reach } from './box-urls.js';
import type { Document } from './html.js';
import { joinPage } from './join.js';
import { CA_FILE_NAME, mobileconfig, PROFILE_FILE_NAME, readCa, trustPage } from './trust.js';

export type { Reach } from './box-urls.js';

interface Answer {
  readonly status: '200 OK' | '404 Not Found' | '500 Internal Server Error';
  readonly headers: Record<string, string>;
  readonly body: string | Buffer;
}

const page = (doc: Document): Answer => ({
  status: '200 OK',
  headers: { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': doc.csp, 'Referrer-Policy': 'no-referrer' },
  body: doc.html,
});

const download = (type: string, name: string, body: string | Buffer): Answer => ({
  status: '200 OK',
  headers: { 'Content-Type': type, 'Content-Disposition': `attachment; filename="${name}"` },
  body,
});

const NO_CA: Answer = {
  status: '404 Not Found',
  headers: { 'Content-Type': 'application/json; charset=utf-8' },
  body: JSON.stringify({
    error: { code: 'no_local_ca', message: 'This box has no certificate authority of its own; run hail tls init at the box to make one.' },
  }),
};

export function registerPages(app: TemplatedApp, reach: Reach, log: Log): void {
  const serve = (path: string, answer: (host: string) => Answer | Promise<Answer>) =>
    app.get(path, (res: HttpResponse, req: HttpRequest) => {
      // The request is valid only until this function returns.
      const host = req.getHeader('host');
      let aborted = false;
      res.onAborted(() => (aborted = true));
      Promise.resolve(host)
        .then(answer)
        .then(
          (reply) => !aborted && send(res, reply),
          (error: unknown) => {
            log.error({ err: error, path }, 'page failed');
            if (!aborted)
              send(res, {
                status: '500 Internal Server Error',
                headers: { 'Content-Type': 'text/plain; charset=utf-8' },
                body: 'This page is not available right now.',
              });
          },
        );
    });
  serve('/join', async (host) => page(await joinPage(reach, host)));
  serve('/trust', async (host) => page(await trustPage(reach, host)));
  serve(`/trust/${CA_FILE_NAME}`, () => {
    const ca = readCa(reach);
    return ca ? download('application/x-x509-ca-cert', CA_FILE_NAME, ca.der) : NO_CA;
  });
  serve(`/trust/${PROFILE_FILE_NAME}`, () => {
    const ca = readCa(reach);
    return ca ? download('application/x-apple-aspen-config', PROFILE_FILE_NAME, mobileconfig(ca, reach.boxName)) : NO_CA;
  });
}

function send(res: HttpResponse, answer: Answer): void {
  res.cork(() => {
    res.writeStatus(answer.status);
    for (const [name, value] of Object.entries(answer.headers)) res.writeHeader(name, value);
    res.writeHeader('X-Content-Type-Options', 'nosniff');
    res.writeHeader('Cache-Control', 'no-store');
    res.end(answer.body);
  });
}
