/** QR codes as SVG, drawn on the server by the `qrcode` library: no script runs in the page. */
import QRCode from 'qrcode';
import { trustedSvg, type Html } from './html.js';

// Level M survives a smudged or partly covered print (15% of the code) and keeps a URL's code small.
export async function qrSvg(text: string): Promise<Html> {
  return trustedSvg(await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 }));
}
