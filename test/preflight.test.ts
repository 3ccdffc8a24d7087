/**
 * What an appliance owner reads before Hail runs: the C library refusal, and the installed
 * settings template, which must say what docs/OPERATIONS.md says an installed box does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { glibcProblem } from '../src/preflight.js';
import { runHail } from './helpers/cli.js';

test('on a glibc older than 2.38 the refusal is one line that names what to install', () => {
  const problem = glibcProblem('2.36');
  assert.ok(problem);
  assert.equal(problem.split('\n').length, 1, problem);
  assert.match(problem, /glibc 2\.36/);
  assert.match(problem, /install Debian 13/);
  assert.doesNotMatch(problem, /scripts\//, 'no development script for an appliance owner');
  assert.equal(glibcProblem('2.38'), undefined);
  assert.equal(glibcProblem('2.41'), undefined);
});

test('the installed hail.toml serves on the ports docs/OPERATIONS.md gives an installed box: 80 and 443', async () => {
  const check = await runHail(['config', 'check', '--config', 'systemd/hail.toml']);
  assert.equal(check.code, 0, check.stderr);
  assert.match(check.stdout, /^\s*port\s+80\s+file$/m);
  assert.match(check.stdout, /^\s*https_port\s+443\s+file$/m);
  const operations = readFileSync('docs/OPERATIONS.md', 'utf8');
  assert.match(operations, /port 80 on an installed box/);
  assert.match(operations, /443 on an installed box/);
});
