/**
 * The web app's markdown (web/src/lib/markdown-it.ts), without a browser: `~name` becomes a
 * link to the reader's channel of that name and nothing else does, and no text of a post ever
 * reaches the HTML unescaped.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { render } from '../web/src/lib/markdown-it.js';

const WEATHER = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const mine = new Map([['weather', WEATHER]]);

test('~name links to the reader’s channel of that name, in the app rather than a new tab', () => {
  assert.equal(render('Read ~weather first', mine), `<p>Read <a href="/c/${WEATHER}" class="channel-reference">~weather</a> first</p>\n`);
});

test('~ followed by no channel of the reader’s, inside a word, in code or in a link stays as written', () => {
  assert.equal(render('Try ~nowhere', mine), '<p>Try ~nowhere</p>\n');
  assert.equal(render('see a~weather', mine), '<p>see a~weather</p>\n');
  assert.equal(render('`~weather`', mine), '<p><code>~weather</code></p>\n');
  assert.equal((render('[~weather](https://example.org)', mine).match(/<a /g) ?? []).length, 1);
  assert.equal(render('~~gone~~', mine), '<p><s>gone</s></p>\n');
});

test('a channel reference never lets markup through', () => {
  const hostile = new Map([['x', '"><img src=x onerror=alert(1)>']]);
  const html = render('~x <b>bold</b>', hostile);
  assert.doesNotMatch(html, /<img|<b>/);
  assert.match(html, /&quot;&gt;&lt;img/);
});
