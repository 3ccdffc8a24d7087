/**
 * `/trust`: how a phone or laptop comes to trust the box's own CA, so the chat works over HTTPS
 * (offline start, notifications) without a warning. Served over plain HTTP, because before
 * this step HTTPS is exactly what does not work yet. The CA certificate is offered as a `.crt`
 * (DER; Android, Windows, macOS, Linux) and inside an iOS configuration profile.
 *
 * A box whose certificate the admin provided has nothing to install: the page says so.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { v5 as uuidV5 } from 'uuid';
import { BASE_STYLE, document, escapeHtml, html, type Document } from './html.js';
import { qrSvg } from './qr.js';
import { boxUrls, type Reach } from './box-urls.js';

export const CA_FILE_NAME = 'hail-ca.crt';
export const PROFILE_FILE_NAME = 'hail-ca.mobileconfig';

// Every sentence of the page, for the translation catalogs the web app will bring.
const TEXT = {
  title: (box: string) => `Trust ${box}`,
  why: 'Install this box’s certificate once, and the chat opens over HTTPS: it then starts without a connection and can show notifications. Plain HTTP keeps working without it.',
  scan: 'On a phone, scan this code to open this page there:',
  fingerprint: 'Certificate fingerprint (SHA-256), to compare with the one the box’s administrator sees:',
  downloadCrt: 'Download the certificate (.crt)',
  downloadProfile: 'Download the iPhone and iPad profile',
  steps: [
    [
      'iPhone, iPad',
      'Download the profile, open Settings, tap “Profile Downloaded”, then Install. Then go to Settings › General › About › Certificate Trust Settings and switch on full trust for the certificate.',
    ],
    [
      'Android',
      'Download the certificate, open Settings › Security › More security settings › Encryption and credentials › Install a certificate › CA certificate, and choose the file.',
    ],
    [
      'Windows',
      'Download the certificate, open it, choose Install Certificate, Current User, and place it in “Trusted Root Certification Authorities”.',
    ],
    ['macOS', 'Download the certificate, open it in Keychain Access, open it there and set “When using this certificate” to Always Trust.'],
    [
      'Linux, Firefox',
      'Firefox: Settings › Privacy & Security › Certificates › View Certificates › Authorities › Import. Debian: copy it to /usr/local/share/ca-certificates/ and run update-ca-certificates.',
    ],
  ] as const,
  noCa: 'This box does not use a certificate of its own making: there is nothing to install. If its HTTPS address shows a warning, ask the administrator.',
  httpsAt: 'Afterwards, open:',
};

export interface CaDownload {
  readonly der: Buffer;
  readonly fingerprint: string;
  readonly subject: string;
}

export function readCa(reach: Reach): CaDownload | undefined {
  const file = reach.caCertFile();
  if (file === undefined) return undefined;
  const certificate = new X509Certificate(readFileSync(file));
  return { der: certificate.raw, fingerprint: certificate.fingerprint256, subject: certificate.subject.replace(/\n/g, ', ') };
}

/** `arrivedAt`: the Host header of the request; the code opens this page on that address, when it is the box's. */
export async function trustPage(reach: Reach, arrivedAt?: string): Promise<Document> {
  const ca = readCa(reach);
  const urls = boxUrls(reach, arrivedAt);
  const title = TEXT.title(reach.boxName);
  if (!ca)
    return document(
      title,
      BASE_STYLE,
      html`<main>
        <h1>${title}</h1>
        <p>${TEXT.noCa}</p>
      </main>`,
    );
  const steps = TEXT.steps.map(
    ([platform, text]) =>
      html`<h2>${platform}</h2>
        <p>${text}</p>`,
  );
  return document(
    title,
    BASE_STYLE,
    html`<main>
      <h1>${title}</h1>
      <p>${TEXT.why}</p>
      <p>
        <a class="button" href="/trust/${CA_FILE_NAME}" download>${TEXT.downloadCrt}</a><br />
        <a class="button" href="/trust/${PROFILE_FILE_NAME}" download>${TEXT.downloadProfile}</a>
      </p>
      ${steps} ${urls.httpsByName ? html`<p>${TEXT.httpsAt} <code>${urls.httpsByName}</code></p>` : ''}
      <p>${TEXT.scan}</p>
      <div class="qr">${await qrSvg(`${urls.byIp[0]!}trust`)}</div>
      <p>${TEXT.fingerprint}<br /><code>${ca.fingerprint}</code></p>
    </main>`,
  );
}

// Fixed namespace for the profile's UUIDs: the same CA always gives the same profile, so
// installing it twice replaces rather than duplicates it.
const PROFILE_NAMESPACE = '5c1d4f0e-7a43-4f0a-9a63-3f0f2f6f4e11';

/** An unsigned iOS configuration profile holding the CA as a root certificate payload. */
export function mobileconfig(ca: CaDownload, boxName: string): string {
  const identifier = `hail.ca.${ca.fingerprint.replace(/:/g, '').slice(0, 16).toLowerCase()}`;
  const text = (value: string) => `<string>${escapeHtml(value)}</string>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>PayloadContent</key>
  <array>
    <dict>
      <key>PayloadCertificateFileName</key>${text(CA_FILE_NAME)}
      <key>PayloadContent</key><data>${ca.der.toString('base64')}</data>
      <key>PayloadDescription</key>${text('Lets this device open the chat box over HTTPS.')}
      <key>PayloadDisplayName</key>${text(ca.subject)}
      <key>PayloadIdentifier</key>${text(`${identifier}.root`)}
      <key>PayloadType</key>${text('com.apple.security.root')}
      <key>PayloadUUID</key>${text(uuidV5(`${ca.fingerprint}/root`, PROFILE_NAMESPACE).toUpperCase())}
      <key>PayloadVersion</key><integer>1</integer>
    </dict>
  </array>
  <key>PayloadDescription</key>${text(`Trust the chat box ${boxName} on this network.`)}
  <key>PayloadDisplayName</key>${text(`Hail on ${boxName}`)}
  <key>PayloadIdentifier</key>${text(identifier)}
  <key>PayloadRemovalDisallowed</key><false/>
  <key>PayloadType</key>${text('Configuration')}
  <key>PayloadUUID</key>${text(uuidV5(ca.fingerprint, PROFILE_NAMESPACE).toUpperCase())}
  <key>PayloadVersion</key><integer>1</integer>
</dict>
</plist>
`;
}
