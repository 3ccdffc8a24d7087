/** QR codes as SVG, drawn on the server by the `qrcode` library: no script runs in the page. */
import { trustedSvg, type Html } from './html.js';

// Level M survives a smudged or partly covered print (15% of the code) and keeps a URL's code small.
export async function qrSvg(text: string): Promise<Html> {
  // Loaded when a page first shows a code rather than at start: most days nobody opens one, and it costs memory.
  const { default: QRCode } = await import('qrcode');
  return trustedSvg(await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 }));
}
