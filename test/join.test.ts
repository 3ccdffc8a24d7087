/** The join page: what the crew scans from the saloon wall. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { removeDataDir, startHail } from './helpers/server.js';

test('/join shows the box address by IP with a QR code, printable and without scripts', async () => {
  const hail = await startHail({ args: ['--box-name', 'Arthur'] });
  try {
    const response = await fetch(`${hail.url}/join`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type')!, /^text\/html/);
    const csp = response.headers.get('content-security-policy')!;
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /style-src 'sha256-/);
    const html = await response.text();
    assert.ok(html.includes(`http://127.0.0.1:${hail.port}/`), 'the IP URL');
    assert.match(html, /<svg[^>]*viewBox/);
    assert.match(html, /@media print/);
    assert.match(html, /Join the chat on Arthur/);
    assert.doesNotMatch(html, /<script/i);
  } finally {
    await hail.stop();
    removeDataDir(hail.dataDir);
  }
});

test('the box name is shown as text, never as markup', async () => {
  const hail = await startHail({ args: ['--box-name', '<b>Arthur & "co"</b>'] });
  try {
    const html = await (await fetch(`${hail.url}/join`)).text();
    assert.ok(html.includes('&lt;b&gt;Arthur &amp; &quot;co&quot;&lt;/b&gt;'));
    assert.ok(!html.includes('<b>Arthur'));
  } finally {
    await hail.stop();
    removeDataDir(hail.dataDir);
  }
});
