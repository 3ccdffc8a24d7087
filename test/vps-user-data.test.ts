/**
 * image/vps/user-data.example, the user data a VPS administrator copies: the Hail settings it
 * writes to /etc/hail/hail.toml are ones the server accepts (the test roots have no cloud-init;
 * the YAML around them is checked by hand, docs/OPERATIONS.md "The VPS image").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runHail } from './helpers/cli.js';

/** The block scalar (`content: |`) of the write_files entry for `path`. */
function writtenFile(userData: string, path: string): string {
  const lines = userData.split('\n');
  const entry = lines.findIndex((line) => line.trim() === `- path: ${path}`);
  assert.ok(entry >= 0, `user data writes ${path}`);
  const content = lines.findIndex((line, index) => index > entry && line.trim() === 'content: |');
  const indent = /^ */.exec(lines[content + 1]!)![0];
  const block: string[] = [];
  for (const line of lines.slice(content + 1)) {
    if (line.trim() !== '' && !line.startsWith(indent)) break;
    block.push(line.slice(indent.length));
  }
  return `${block.join('\n').trimEnd()}\n`;
}

test("the example user data writes a hail.toml the server accepts, with the shore box's name and the certificate", async () => {
  const userData = readFileSync('image/vps/user-data.example', 'utf8');
  assert.match(userData, /^#cloud-config\n/, 'cloud-init reads user data as configuration only after this line');
  const dir = mkdtempSync(join(tmpdir(), 'hail-vps-'));
  try {
    const config = join(dir, 'hail.toml');
    writeFileSync(config, writtenFile(userData, '/etc/hail/hail.toml'));
    const checked = await runHail(['config', 'check', '--config', config]);
    assert.equal(checked.code, 0, checked.stderr);
    assert.match(checked.stdout, /box_name +"Shore" +file/);
    assert.match(checked.stdout, /mdns +false +file/);
    assert.match(checked.stdout, /tls_cert +"\/etc\/hail\/tls\/fullchain\.pem" +file/);
    assert.match(writtenFile(userData, '/etc/hail/tls/privkey.pem'), /^-----BEGIN PRIVATE KEY-----\n/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
