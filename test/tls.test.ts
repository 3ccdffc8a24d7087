/**
 * HTTPS on the LAN: `hail tls init` makes a CA and a server certificate phones accept, the
 * server serves them (and a changed certificate without a restart), a certificate that does
 * not match its key stops the start with a clear line, and /trust offers the CA in both forms.
 * The renewal on an address change runs the server in a network namespace this suite makes
 * (never touching the host's interfaces): it needs root, iproute2 and nsenter, as in scripts/debian13.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, renameSync } from 'node:fs';
import { request } from 'node:https';
import { connect } from 'node:tls';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { boxAddresses } from '../src/net/addresses.js';
import { localCaFiles, renewLeafIfNeeded } from '../src/tls/local-ca.js';
import { x509 } from '../src/tls/x509.js';
import { runHail } from './helpers/cli.js';
import { newDataDir, removeDataDir, startHail, type HailProcess } from './helpers/server.js';

const DAY_MS = 24 * 3600_000;
// The IPv4 ranges the box CA may vouch for (private, shared, link-local).
const LAN_IPV4 = /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|169\.254\.|100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\.)/;

// The network namespace of the renewal test; the pid keeps parallel runs apart (names of at most 15 characters).
const NS = `hlt${process.pid % 100000}`;
const inNamespace = ['nsenter', `--net=/run/netns/${NS}`] as const;
const ipIn = (...args: string[]) => execFileSync(inNamespace[0], [...inNamespace.slice(1), 'ip', ...args], { stdio: 'pipe' });
function removeNamespace(): void {
  try {
    execFileSync('ip', ['netns', 'del', NS], { stdio: 'pipe' });
  } catch {
    // not made, or already gone
  }
}
// Whatever happens to this process, the namespace (and the interfaces in it) goes with it.
process.on('exit', removeNamespace);

async function tlsInit(dataDir: string): Promise<void> {
  const result = await runHail(['tls', 'init', '--data-dir', dataDir]);
  assert.equal(result.code, 0, result.stderr);
}

function httpsPortOf(hail: HailProcess): number {
  for (const line of hail.logs) {
    try {
      const entry = JSON.parse(line) as { msg?: string; httpsPort?: number };
      if (entry.msg === 'Hail is listening' && entry.httpsPort) return entry.httpsPort;
    } catch {
      // not a log line
    }
  }
  throw new Error(`no HTTPS port in the log:\n${hail.logs.join('\n')}`);
}

function getHttps(port: number, ca: Buffer, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', servername: 'localhost', port, path, ca, timeout: 10000 }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The SHA-256 fingerprint of the certificate the server presents now. */
function servedFingerprint(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', rejectUnauthorized: false }, () => {
      resolve(socket.getPeerX509Certificate()!.fingerprint256);
      socket.end();
    });
    socket.on('error', reject);
  });
}

test('hail tls init makes a 10-year CA and a server certificate of at most 825 days naming the box', async () => {
  const dataDir = newDataDir();
  try {
    await tlsInit(dataDir);
    const files = localCaFiles(dataDir);
    const ca = new X509Certificate(readFileSync(files.caCert));
    const leaf = new X509Certificate(readFileSync(files.cert));
    assert.equal(ca.ca, true);
    const constraints = new x509.X509Certificate(readFileSync(files.caCert, 'utf8')).getExtension(x509.BasicConstraintsExtension);
    assert.ok(constraints?.ca && constraints.critical, 'the CA has critical basicConstraints CA:true');
    const caDays = (Date.parse(ca.validTo) - Date.parse(ca.validFrom)) / DAY_MS;
    assert.ok(caDays >= 3649 && caDays <= 3651, `CA valid ${caDays} days`);
    assert.equal(leaf.ca, false);
    assert.ok((Date.parse(leaf.validTo) - Date.parse(leaf.validFrom)) / DAY_MS <= 825);
    assert.ok(leaf.checkIssued(ca) && leaf.verify(ca.publicKey), 'the CA signed the server certificate');
    const addresses = boxAddresses();
    const san = leaf.subjectAltName ?? '';
    for (const name of [addresses.localName, addresses.hostName, 'localhost']) assert.ok(san.includes(`DNS:${name}`), `${name} in ${san}`);
    for (const ip of ['127.0.0.1', ...addresses.ipv4.filter((address) => LAN_IPV4.test(address))])
      assert.ok(leaf.checkIP(ip), `${ip} in ${san}`);
    assert.ok(leaf.keyUsage?.includes('1.3.6.1.5.5.7.3.1'), 'serverAuth');
  } finally {
    removeDataDir(dataDir);
  }
});

test("the box CA vouches only for the box's LAN names and addresses: a certificate it signs for another site fails to verify", async () => {
  const dataDir = newDataDir();
  try {
    await tlsInit(dataDir);
    const files = localCaFiles(dataDir);
    const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe', cwd: dataDir }).toString();
    const verify = (cert: string) => {
      try {
        return openssl('verify', '-CAfile', files.caCert, cert);
      } catch (error) {
        return String((error as { stdout?: Buffer }).stdout ?? '') + String((error as { stderr?: Buffer }).stderr ?? '');
      }
    };
    assert.match(verify(files.cert), /: OK/, "the box's own server certificate verifies");
    // Whoever holds ca.key signs what they like with a stock tool; the phones must still refuse it.
    const forged = (name: string, san: string) => {
      openssl(
        'req',
        '-new',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        `${name}.key`,
        '-subj',
        `/CN=${name}`,
        '-addext',
        `subjectAltName=${san}`,
        '-out',
        `${name}.csr`,
      );
      openssl(
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        files.caCert,
        '-CAkey',
        files.caKey,
        '-CAcreateserial',
        '-days',
        '30',
        '-copy_extensions',
        'copy',
        '-out',
        `${name}.crt`,
      );
      return join(dataDir, `${name}.crt`);
    };
    assert.match(verify(forged('www.bank.example', 'DNS:www.bank.example')), /permitted subtree violation/);
    assert.match(verify(forged('public-ip', 'IP:8.8.8.8')), /permitted subtree violation/);
    assert.match(verify(forged('boat.local', 'DNS:boat.local,IP:192.168.4.1,IP:fd00::1')), /: OK/, 'LAN names and addresses are allowed');
  } finally {
    removeDataDir(dataDir);
  }
});

test('a new address gets a new server certificate from the same CA', async () => {
  const dataDir = newDataDir();
  try {
    await tlsInit(dataDir);
    const before = readFileSync(localCaFiles(dataDir).cert, 'utf8');
    const moved = { ...boxAddresses(), ipv4: [...boxAddresses().ipv4, '10.203.0.7'] };
    assert.equal(await renewLeafIfNeeded(dataDir, moved, Date.now()), true);
    const leaf = new X509Certificate(readFileSync(localCaFiles(dataDir).cert));
    assert.notEqual(readFileSync(localCaFiles(dataDir).cert, 'utf8'), before);
    assert.ok(leaf.checkIP('10.203.0.7'));
    assert.ok(leaf.checkIssued(new X509Certificate(readFileSync(localCaFiles(dataDir).caCert))));
    assert.equal(await renewLeafIfNeeded(dataDir, moved, Date.now()), false, 'nothing changed: no new certificate');
  } finally {
    removeDataDir(dataDir);
  }
});

test('a client that trusts the box CA reaches it over HTTPS, while plain HTTP keeps working without HSTS', async () => {
  const dataDir = newDataDir();
  await tlsInit(dataDir);
  const hail = await startHail({ dataDir, args: ['--https-port', '0'] });
  try {
    const ca = readFileSync(localCaFiles(dataDir).caCert);
    const secure = await getHttps(httpsPortOf(hail), ca, '/healthz');
    assert.equal(secure.status, 200);
    assert.deepEqual(JSON.parse(secure.body), { ok: true });
    const plain = await fetch(`${hail.url}/healthz`);
    assert.equal(plain.status, 200);
    assert.equal(plain.headers.get('strict-transport-security'), null);
  } finally {
    await hail.stop();
    removeDataDir(dataDir);
  }
});

interface HttpsAnswer {
  status: number;
  cookies: string[];
}

/** A request over HTTPS with a cookie; an `upgrade` request answers 101 when the WebSocket is accepted. */
function requestHttps(port: number, ca: Buffer, method: string, path: string, cookie: string, body?: unknown): Promise<HttpsAnswer> {
  const text = body === undefined ? undefined : JSON.stringify(body);
  const upgrade =
    path === '/api/v1/ws'
      ? { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' }
      : {};
  const headers = {
    cookie,
    ...upgrade,
    ...(text === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) }),
  };
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', servername: 'localhost', port, path, method, ca, headers, timeout: 10000 }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, cookies: ([] as string[]).concat(res.headers['set-cookie'] ?? []) }));
    });
    req.on('upgrade', (_res, socket) => {
      socket.destroy();
      resolve({ status: 101, cookies: [] });
    });
    req.on('error', reject);
    req.end(text);
  });
}

test('over HTTPS the session cookie is __Host- and Secure, and each scheme accepts only its own cookie', async () => {
  const dataDir = newDataDir();
  await tlsInit(dataDir);
  const hail = await startHail({ dataDir, args: ['--https-port', '0'] });
  try {
    const ca = readFileSync(localCaFiles(dataDir).caCert);
    const port = httpsPortOf(hail);
    const password = 'a long enough password';
    const setup = await requestHttps(port, ca, 'POST', '/api/v1/setup', '', {
      code: hail.setupCode(),
      username: 'skipper',
      password,
      displayName: 'Skipper',
      teamName: 'crew',
      teamDisplayName: 'Crew',
    });
    assert.equal(setup.status, 201);
    assert.equal(setup.cookies.length, 1);
    assert.match(setup.cookies[0]!, /^__Host-hail_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Secure; Max-Age=\d+$/);
    const secureCookie = setup.cookies[0]!.split(';')[0]!;
    const token = secureCookie.split('=')[1]!;
    assert.equal((await requestHttps(port, ca, 'GET', '/api/v1/me', secureCookie)).status, 200);
    assert.equal((await requestHttps(port, ca, 'GET', '/api/v1/ws', secureCookie)).status, 101);
    // The plain name is not read over HTTPS (it may have been planted over plain HTTP), nor the Secure one over HTTP.
    assert.equal((await requestHttps(port, ca, 'GET', '/api/v1/me', `hail_session=${token}`)).status, 401);
    assert.equal((await requestHttps(port, ca, 'GET', '/api/v1/ws', `hail_session=${token}`)).status, 401);
    assert.equal((await fetch(`${hail.url}/api/v1/me`, { headers: { cookie: secureCookie } })).status, 401);

    const login = await fetch(`${hail.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'skipper', password }),
    });
    assert.equal(login.status, 200);
    assert.match(login.headers.getSetCookie()[0]!, /^hail_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/);

    const logout = await requestHttps(port, ca, 'POST', '/api/v1/auth/logout', secureCookie, {});
    assert.equal(logout.status, 204);
    assert.match(logout.cookies[0]!, /^__Host-hail_session=; Path=\/; HttpOnly; SameSite=Lax; Secure; Max-Age=0$/);
  } finally {
    await hail.stop();
    removeDataDir(dataDir);
  }
});

test('a replaced certificate is served without a restart', async () => {
  const source = newDataDir();
  const dataDir = newDataDir();
  await tlsInit(source);
  const cert = join(dataDir, 'box.crt');
  const key = join(dataDir, 'box.key');
  copyFileSync(localCaFiles(source).cert, cert);
  copyFileSync(localCaFiles(source).key, key);
  const hail = await startHail({ dataDir, args: ['--https-port', '0', '--tls-cert', cert, '--tls-key', key] });
  try {
    const port = httpsPortOf(hail);
    const first = await servedFingerprint(port);
    await tlsInit(source); // a new server certificate and key
    // As an admin's renewal would: the key, then the certificate, each renamed into place.
    copyFileSync(localCaFiles(source).key, `${key}.new`);
    renameSync(`${key}.new`, key);
    copyFileSync(localCaFiles(source).cert, `${cert}.new`);
    renameSync(`${cert}.new`, cert);
    const expected = new X509Certificate(readFileSync(cert)).fingerprint256;
    assert.notEqual(expected, first);
    let served = first;
    // Up to a minute: the port may wait out TIME_WAIT (src/tls/https-listener.ts).
    for (let tries = 0; tries < 180 && served !== expected; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      // While the listener changes certificates, a connection may be refused for a moment.
      served = await servedFingerprint(port).catch(() => served);
    }
    assert.equal(served, expected, hail.logs.join('\n'));
    const ok = await getHttps(port, readFileSync(localCaFiles(source).caCert), '/healthz');
    assert.equal(ok.status, 200);
  } finally {
    await hail.stop();
    removeDataDir(dataDir);
    removeDataDir(source);
  }
});

test('the server renews its own certificate when its addresses change', async () => {
  const dataDir = newDataDir();
  const added = '10.203.1.7';
  let hail: HailProcess | undefined;
  removeNamespace();
  try {
    execFileSync('ip', ['netns', 'add', NS], { stdio: 'pipe' });
    ipIn('link', 'set', 'lo', 'up');
    await tlsInit(dataDir);
    hail = await startHail({ dataDir, args: ['--https-port', '0'], wrap: [...inNamespace] });
    const port = httpsPortOf(hail);
    // The server listens on 127.0.0.1 inside the namespace: ask from there.
    const script = `
      import { connect } from 'node:tls';
      const socket = connect({ host: '127.0.0.1', port: ${port}, servername: 'localhost', rejectUnauthorized: false }, () => {
        process.stdout.write(socket.getPeerCertificate().raw.toString('base64'));
        socket.end();
      });
      socket.on('error', () => process.exit(0));`;
    const served = async (): Promise<X509Certificate | undefined> => {
      const { stdout } = await promisify(execFile)(
        inNamespace[0],
        [...inNamespace.slice(1), process.execPath, '--input-type=module', '-e', script],
        { timeout: 10000 },
      );
      // While the listener changes certificates, a connection may be refused for a moment.
      return stdout === '' ? undefined : new X509Certificate(Buffer.from(stdout, 'base64'));
    };
    const first = await served();
    assert.ok(first && first.checkIP(added) === undefined, 'the address is not in the first certificate');

    // The box joins a network: a new interface (a veth pair wholly inside the namespace, both
    // ends up so the kernel reports it running) with an address.
    ipIn('link', 'add', `${NS}x`, 'type', 'veth', 'peer', 'name', `${NS}y`);
    ipIn('addr', 'add', `${added}/24`, 'dev', `${NS}x`);
    ipIn('link', 'set', `${NS}x`, 'up');
    ipIn('link', 'set', `${NS}y`, 'up');
    // One AddressWatcher poll (5 s), a new leaf, then the listener's reload: about a minute in
    // all when the port waits out TIME_WAIT, as above.
    let now = first;
    for (const deadline = Date.now() + 90_000; Date.now() < deadline && now.checkIP(added) === undefined;) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      now = (await served()) ?? now;
    }
    assert.equal(now.checkIP(added), added, `served ${now.subjectAltName}\n${hail.logs.join('\n')}`);
    assert.ok(now.checkIP('127.0.0.1') && now.subjectAltName?.includes('DNS:localhost'), 'the names it had stay');
    assert.ok(now.checkIssued(new X509Certificate(readFileSync(localCaFiles(dataDir).caCert))), 'by the same CA');
  } finally {
    await hail?.stop();
    removeNamespace();
    removeDataDir(dataDir);
  }
});

test('a certificate that does not match its key stops the start, naming both files', async () => {
  const one = newDataDir();
  const two = newDataDir();
  try {
    await tlsInit(one);
    await tlsInit(two);
    const cert = localCaFiles(one).cert;
    const key = localCaFiles(two).key;
    const result = await runHail([
      'serve',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--https-port',
      '0',
      '--data-dir',
      newDataDir(),
      '--tls-cert',
      cert,
      '--tls-key',
      key,
    ]);
    assert.equal(result.code, 78);
    assert.match(result.stderr, /does not belong to the certificate/);
    assert.ok(result.stderr.includes(cert) && result.stderr.includes(key), result.stderr);
  } finally {
    removeDataDir(one);
    removeDataDir(two);
  }
});

test('/trust offers the CA as a .crt and as an iOS profile, over plain HTTP', async () => {
  const dataDir = newDataDir();
  await tlsInit(dataDir);
  const hail = await startHail({ dataDir, args: ['--https-port', '0'] });
  try {
    const ca = new X509Certificate(readFileSync(localCaFiles(dataDir).caCert));
    const page = await fetch(`${hail.url}/trust`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type')!, /^text\/html/);
    assert.match(page.headers.get('content-security-policy')!, /default-src 'none'/);
    const html = await page.text();
    for (const part of ['/trust/hail-ca.crt', '/trust/hail-ca.mobileconfig', 'iPhone', 'Android', '<svg', ca.fingerprint256])
      assert.ok(html.includes(part), part);
    assert.doesNotMatch(html, /<script/i);

    const crt = await fetch(`${hail.url}/trust/hail-ca.crt`);
    assert.equal(crt.headers.get('content-type'), 'application/x-x509-ca-cert');
    assert.equal(new X509Certificate(Buffer.from(await crt.arrayBuffer())).fingerprint256, ca.fingerprint256);

    const profile = await fetch(`${hail.url}/trust/hail-ca.mobileconfig`);
    assert.equal(profile.headers.get('content-type'), 'application/x-apple-aspen-config');
    const plist = await profile.text();
    assert.match(plist, /<string>com\.apple\.security\.root<\/string>/);
    assert.ok(plist.includes(`<data>${ca.raw.toString('base64')}</data>`));
  } finally {
    await hail.stop();
    removeDataDir(dataDir);
  }
});

test('without a CA of its own, /trust says there is nothing to install', async () => {
  const hail = await startHail();
  try {
    const page = await fetch(`${hail.url}/trust`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /nothing to install/);
    const crt = await fetch(`${hail.url}/trust/hail-ca.crt`);
    assert.equal(crt.status, 404);
    assert.equal(((await crt.json()) as { error: { code: string } }).error.code, 'no_local_ca');
  } finally {
    await hail.stop();
    removeDataDir(hail.dataDir);
  }
});

test('hail doctor judges the certificate the server would serve: the box CA’s, also before the server has issued it', async () => {
  const dataDir = newDataDir();
  try {
    await tlsInit(dataDir);
    const doctor = () => runHail(['doctor', '--data-dir', dataDir, '--port', '0']);
    assert.match((await doctor()).stdout, /^ok\s+certificate\s+DNS:.*: issued by the box's CA, which renews it before it ends/m);
    const files = localCaFiles(dataDir);
    renameSync(files.cert, `${files.cert}.aside`);
    assert.match(
      (await doctor()).stdout,
      /^ok\s+certificate\s+the box's CA issues the server certificate when the server starts/m,
      'not "plain HTTP only": the server will serve HTTPS',
    );
  } finally {
    removeDataDir(dataDir);
  }
});
