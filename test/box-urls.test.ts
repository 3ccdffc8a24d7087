/** The addresses the startup log, the join page and the trust page give people to open. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { boxUrls, type Reach } from '../src/http/pages/box-urls.js';
import type { BoxAddresses } from '../src/net/addresses.js';

const reach = (host: string, port: number, ipv4: string[], ipv6: string[] = []): Reach => ({
  boxName: 'Arthur',
  host,
  httpPort: () => port,
  httpsPort: () => undefined,
  addresses: (): BoxAddresses => ({ hostName: 'arthur', localName: 'arthur.local', ipv4, ipv6 }),
  caCertFile: () => undefined,
});

test('listening on every interface, each address is named by IP, IPv4 first: phones cannot rely on .local', () => {
  assert.deepEqual(boxUrls(reach('0.0.0.0', 8080, ['192.168.1.20', '10.0.0.5'], ['fd00::5'])).byIp, [
    'http://192.168.1.20:8080/',
    'http://10.0.0.5:8080/',
    'http://[fd00::5]:8080/',
  ]);
  assert.deepEqual(boxUrls(reach('::', 8080, ['192.168.1.20'])).byIp, ['http://192.168.1.20:8080/']);
});

test('a box with no network yet is opened on itself', () => {
  assert.deepEqual(boxUrls(reach('0.0.0.0', 8080, [])).byIp, ['http://127.0.0.1:8080/']);
});

test('listening on one address, that address alone is named, IPv6 in brackets, port 80 left out', () => {
  assert.deepEqual(boxUrls(reach('192.168.1.20', 80, ['192.168.1.20', '10.0.0.5'])).byIp, ['http://192.168.1.20/']);
  assert.deepEqual(boxUrls(reach('fd00::5', 8080, [])).byIp, ['http://[fd00::5]:8080/']);
});

test("a page asked for on one of the box's addresses names that address first, then the others; any other host changes nothing", () => {
  const pi = reach('0.0.0.0', 8080, ['10.8.0.1', '192.168.4.1'], ['fd00::5']);
  assert.deepEqual(boxUrls(pi, '192.168.4.1:8080').byIp, ['http://192.168.4.1:8080/', 'http://10.8.0.1:8080/', 'http://[fd00::5]:8080/']);
  assert.deepEqual(boxUrls(pi, '[FD00::5]:8080').byIp[0], 'http://[fd00::5]:8080/');
  for (const host of ['arthur.local:8080', 'evil.example', '127.0.0.1:8080', '', '[::1]']) {
    assert.deepEqual(boxUrls(pi, host).byIp, boxUrls(pi).byIp, `Host: ${host}`);
  }
});
