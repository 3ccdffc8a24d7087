/**
 * systemd/hail.service as systemd would read it: after a reboot a failing server is retried for
 * as long as the box is on, with growing delays, and only the exit status that means "a person
 * must fix this" stops the retries. (Checked on the file: the test roots have no systemd.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

/** The unit's settings, the last value of each key winning as in systemd. */
function unitSettings(file: string): Map<string, string> {
  const settings = new Map<string, string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const setting = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (setting) settings.set(setting[1]!, setting[2]!);
  }
  return settings;
}

test('the service retries a failing server for ever, with delays that grow, except after exit 78', () => {
  const unit = unitSettings('systemd/hail.service');
  assert.equal(unit.get('Restart'), 'on-failure');
  assert.equal(unit.get('StartLimitIntervalSec'), '0', 'no start limit: it never gives up until a reboot');
  assert.ok(Number(unit.get('RestartSteps')) > 0, 'the delay grows');
  assert.match(unit.get('RestartMaxDelaySec') ?? '', /^\d+(min|s)?$/, 'up to a bound');
  assert.ok(Number(unit.get('RestartSec')) > 0);
  assert.equal(unit.get('RestartPreventExitStatus'), '78');
});
