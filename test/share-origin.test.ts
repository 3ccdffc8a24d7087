/** Links made for other people's phones name an address those phones can reach. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { shareOrigin } from '../web/src/lib/share-origin.js';

const BOX = ['http://192.168.4.1:8080/', 'http://10.0.0.7:8080/'];

test('an app opened on the box itself makes links with the box’s first network address', () => {
  for (const page of ['http://localhost:8080', 'http://127.0.0.1:8080', 'http://[::1]:8080', 'http://hail.localhost:8080']) {
    assert.equal(shareOrigin(page, BOX), 'http://192.168.4.1:8080', page);
  }
});

test('an app opened over the network keeps its own address (an IP, a .local name, or a shore server’s domain behind a proxy)', () => {
  for (const page of ['http://192.168.4.1:8080', 'http://hail.local:8080', 'https://chat.club.example']) {
    assert.equal(shareOrigin(page, BOX), page);
  }
});

test('with no network address known, the box’s own address is still better than nothing', () => {
  assert.equal(shareOrigin('http://localhost:8080', []), 'http://localhost:8080');
});
