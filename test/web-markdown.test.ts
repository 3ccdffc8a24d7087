/**
 * The web app's markdown (web/src/lib/markdown-it.ts), without a browser: `~name` becomes a
 * link to the reader's channel of that name and nothing else does, no text of a post ever
 * reaches the HTML unescaped, images show only from the box, and nothing needs a style attribute.
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

test('an image on the box shows; a remote one becomes a link to it, so reading the post fetches nothing', () => {
  assert.equal(render('![chart](/api/v1/files/abc)', mine), '<p><img src="/api/v1/files/abc" alt="chart"></p>\n');
  assert.equal(
    render('look ![x](http://10.0.0.9:8000/p.gif)', mine),
    '<p>look <a href="http://10.0.0.9:8000/p.gif" target="_blank" rel="noopener noreferrer" class="remote-image">x</a></p>\n',
  );
  for (const remote of [
    'https://example.org/p.gif',
    '//example.org/p.gif',
    'HTTP://example.org/p.gif',
    'data:image/png;base64,iVBORw0KGgo=',
  ]) {
    const html = render(`![](${remote})`, mine);
    assert.doesNotMatch(html, /<img/, remote);
    assert.match(html, /class="remote-image"/, remote);
  }
  const hostile = render('![<b>"x"</b>](http://example.org/"onerror=alert(1))', mine);
  assert.doesNotMatch(hostile, /<img|<b>|" onerror/);
});

test('table alignment is a class, never a style attribute (the page’s policy refuses those)', () => {
  const html = render('| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |', mine);
  assert.doesNotMatch(html, /style=/);
  assert.match(html, /<th class="align-left">a<\/th>/);
  assert.match(html, /<td class="align-center">2<\/td>/);
  assert.match(html, /<td class="align-right">3<\/td>/);
});

test('a task list renders read-only checkboxes, each labelled by its item, with no ids to repeat across posts', () => {
  const html = render('- [x] done\n- [ ] todo **soon**\n- [y] not a task\n\n[ ] not in a list', mine);
  assert.match(html, /<li class="task-item"><label class="task"><input type="checkbox" disabled checked> done<\/label><\/li>/);
  assert.match(
    html,
    /<li class="task-item"><label class="task"><input type="checkbox" disabled> todo <strong>soon<\/strong><\/label><\/li>/,
  );
  assert.match(html, /<li>\[y\] not a task<\/li>/);
  assert.match(html, /<p>\[ \] not in a list<\/p>/);
  assert.doesNotMatch(html, /\bid=/);
  assert.equal((render('- [x] <b>x</b>', mine).match(/<b>/g) ?? []).length, 0, 'the item text is still escaped');
});
