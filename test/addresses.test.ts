/** The addresses the startup log tells a person to open. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openUrls, type BoxAddresses } from '../src/net/addresses.js';

const box = (ipv4: string[]): BoxAddresses => ({ hostName: 'arthur', localName: 'arthur.local', ipv4, ipv6: ['fd00::5'] });

test('listening on every interface, the log names each IPv4 address: phones cannot rely on .local', () => {
  assert.deepEqual(openUrls('0.0.0.0', 8080, box(['192.168.1.20', '10.0.0.5'])), ['http://192.168.1.20:8080/', 'http://10.0.0.5:8080/']);
  assert.deepEqual(openUrls('::', 8080, box(['192.168.1.20'])), ['http://192.168.1.20:8080/']);
});

test('a box with no network yet is opened on itself', () => {
  assert.deepEqual(openUrls('0.0.0.0', 8080, box([])), ['http://localhost:8080/']);
});

test('listening on one address, the log names that address, IPv6 in brackets', () => {
  assert.deepEqual(openUrls('192.168.1.20', 80, box(['192.168.1.20', '10.0.0.5'])), ['http://192.168.1.20:80/']);
  assert.deepEqual(openUrls('fd00::5', 8080, box([])), ['http://[fd00::5]:8080/']);
});
