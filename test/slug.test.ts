/** The names the app makes from display names for new teams and channels, run in Node. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { slug } from '../web/src/lib/slug.js';

test('a display name becomes a lower-case name with dashes', () => {
  assert.equal(slug('Harbour Watch', 'team'), 'harbour-watch');
  assert.equal(slug('  Deck / Engine  ', 'team'), 'deck-engine');
});

test('accented letters lose their accents rather than becoming dashes', () => {
  assert.equal(slug('Équipe Brême', 'team'), 'equipe-breme');
  assert.equal(slug('Überfahrt', 'team'), 'uberfahrt');
});

test('a name with nothing usable falls back, and a long one is cut to 64 characters', () => {
  assert.equal(slug('⛵⛵', 'crew'), 'crew');
  assert.equal(slug('a'.repeat(80), 'crew').length, 64);
});
