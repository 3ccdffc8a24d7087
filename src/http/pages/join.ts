/**
 * `/join`: the page to print and pin on the saloon wall. A large QR code of the box's address
 * by IP (phones scan it and open the chat): the address the page was asked for on, when it is
 * one of the box's (box-urls.ts). The same address in letters for those who type, the box's
 * other addresses (other networks it is on), and the `.local` name for laptops.
 */
import { BASE_STYLE, document, html, type Document } from './html.js';
import { qrSvg } from './qr.js';
import { boxUrls, type Reach } from './box-urls.js';

// Every sentence of the page, for the translation catalogs the web app will bring.
const TEXT = {
  title: (box: string) => `Join the chat on ${box}`,
  scan: 'Connect to this wifi network, then scan the code with your phone’s camera.',
  orType: 'Or open this address in a browser:',
  byName: 'On a laptop, this name works too:',
  others: 'On another of this box’s networks, use one of these:',
  secure: 'Secure address, once this box’s certificate is installed (see /trust):',
  offline: 'No internet needed: the chat lives on this box.',
};

const STYLE = `${BASE_STYLE}
.join { text-align: center; }
.join .address { font-size: 1.7rem; font-weight: 700; }
.join .qr svg { max-width: 26rem; }
.join .others { list-style: none; padding: 0; }
@media print {
  @page { margin: 1.5cm; }
  body { max-width: none; font-size: 14pt; }
  .join h1 { font-size: 30pt; }
  .join .qr svg { width: 13cm; max-width: none; }
  .join .address { font-size: 24pt; }
}
`;

/** `arrivedAt`: the Host header of the request, whose address (if it is the box's) the code shows. */
export async function joinPage(reach: Reach, arrivedAt?: string): Promise<Document> {
  const urls = boxUrls(reach, arrivedAt);
  const [main = '', ...others] = urls.byIp;
  return document(
    TEXT.title(reach.boxName),
    STYLE,
    html`<main class="join">
      <h1>${TEXT.title(reach.boxName)}</h1>
      <p>${TEXT.scan}</p>
      <div class="qr">${await qrSvg(main)}</div>
      <p>${TEXT.orType}</p>
      <p class="address">${main}</p>
      ${
        others.length > 0
          ? html`<p>${TEXT.others}</p>
              <ul class="others">
                ${others.map((url) => html`<li><code>${url}</code></li>`)}
              </ul>`
          : ''
      }
      ${urls.byName ? html`<p>${TEXT.byName} <code>${urls.byName}</code></p>` : ''}
      ${urls.httpsByName ? html`<p>${TEXT.secure} <code>${urls.httpsByName}</code></p>` : ''}
      <p>${TEXT.offline}</p>
    </main>`,
  );
}
