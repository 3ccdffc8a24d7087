/** A QR code of a link (the qrcode package), as inline SVG, with the link as its text alternative. */
import { toString } from 'qrcode';
import { useEffect, useState } from 'preact/hooks';

export function QrCode({ text, label }: { text: string; label: string }) {
  const [svg, setSvg] = useState('');
  useEffect(() => void toString(text, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' }).then(setSvg), [text]);
  return <div class="qr" role="img" aria-label={label} dangerouslySetInnerHTML={{ __html: svg }} />;
}
