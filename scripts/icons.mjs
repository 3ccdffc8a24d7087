// Renders the PNG app icons in web/icons/ from the SVGs, for the platforms that do not take an
// SVG icon (iOS's home screen, older Android launchers). The PNGs are committed, so neither the
// build nor an install needs a browser; run this again after changing an SVG:
//   scripts/debian13 node scripts/icons.mjs
// "any" icons keep the rounded square; maskable and Apple icons are full-bleed with the glyph
// inside the safe zone, because the platform cuts its own shape.
import { mkdirSync, readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const icons = [
  { svg: 'web/icon.svg', png: 'web/icons/icon-192.png', size: 192 },
  { svg: 'web/icon.svg', png: 'web/icons/icon-512.png', size: 512 },
  { svg: 'web/icon-maskable.svg', png: 'web/icons/icon-maskable-512.png', size: 512 },
  { svg: 'web/icon-maskable.svg', png: 'web/icons/apple-touch-icon.png', size: 180 },
];

mkdirSync('web/icons', { recursive: true });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
try {
  for (const { svg, png, size } of icons) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    const source = readFileSync(svg, 'utf8').replace('<svg ', `<svg width="${size}" height="${size}" `);
    await page.setContent(`<html><body style="margin:0;background:transparent">${source}</body></html>`);
    await page.screenshot({ path: png, omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
    await page.close();
  }
} finally {
  await browser.close();
}
