/**
 * The join page: what the crew scans from the saloon wall. The test of which address it shows
 * runs the server in a network namespace it makes (root, iproute2, nsenter, as in scripts/debian13).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { qrSvg } from '../src/http/pages/qr.js';
import { runHail } from './helpers/cli.js';
import { newDataDir, removeDataDir, startHail, type HailProcess } from './helpers/server.js';

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

test(
  'on a box with eth0 or a VPN before its wifi, /join and /trust show the address the page was opened on, and list the others',
  { timeout: 60000 },
  async () => {
    const ns = `hlj${process.pid % 100000}`;
    const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });
    ip('netns', 'add', ns);
    const inNamespace = ['nsenter', `--net=/run/netns/${ns}`];
    const ipIn = (...args: string[]) => execFileSync('nsenter', [`--net=/run/netns/${ns}`, 'ip', ...args], { stdio: 'pipe' });
    const dataDir = newDataDir();
    let hail: HailProcess | undefined;
    try {
      // The VPN's interface comes first in interface order; the crew is on the wifi.
      for (const [link, address] of [
        ['vpn0', '10.8.0.1/24'],
        ['wlan0', '192.168.4.1/24'],
      ] as const) {
        ipIn('link', 'add', link, 'type', 'veth', 'peer', 'name', `${link}p`);
        ipIn('addr', 'add', address, 'dev', link);
        ipIn('link', 'set', link, 'up');
        ipIn('link', 'set', `${link}p`, 'up');
      }
      ipIn('link', 'set', 'lo', 'up');
      assert.ok(await runHail(['tls', 'init', '--data-dir', dataDir], 30000).then((result) => result.code === 0));
      hail = await startHail({ dataDir, wrap: inNamespace, args: ['--host', '0.0.0.0', '--mdns', 'false'] });
      const fetchInNamespace = (url: string) =>
        execFileSync(inNamespace[0]!, [
          ...inNamespace.slice(1),
          process.execPath,
          '-e',
          `fetch(${JSON.stringify(url)}).then((r) => r.text()).then((t) => process.stdout.write(t))`,
        ]).toString();
      const wifi = `http://192.168.4.1:${hail.port}/`;
      const join = fetchInNamespace(`${wifi}join`);
      assert.ok(join.includes(`<p class="address">${wifi}</p>`), 'the wifi address is the one to type');
      assert.ok(join.includes(String(await qrSvg(wifi))), 'and the one in the QR code');
      assert.ok(join.includes(`<li><code>http://10.8.0.1:${hail.port}/</code></li>`), 'the VPN address is listed among the others');
      const trust = fetchInNamespace(`${wifi}trust`);
      assert.ok(trust.includes(String(await qrSvg(`${wifi}trust`))), "the trust page's code opens it on the wifi address");
      const vpn = `http://10.8.0.1:${hail.port}/`;
      assert.ok(
        fetchInNamespace(`${vpn}join`).includes(`<p class="address">${vpn}</p>`),
        'opened on the VPN address, the page shows that one',
      );
    } finally {
      await hail?.stop();
      removeDataDir(dataDir);
      ip('netns', 'del', ns);
    }
  },
);
