/**
 * Drives Prosody, the XMPP peer, in a multi-user chat room (XEP-0045). Its configuration is
 * written to a temporary directory (never /etc/prosody), listens for clients on 127.0.0.1
 * only, with no server-to-server, no HTTP, no TLS, and none of the rate-limiting modules
 * (mod_limits) loaded. Clients log in anonymously (SASL ANONYMOUS), so no accounts are made;
 * rooms are created unlocked and keep no history, so a join replays nothing.
 *
 * Prosody refuses to run as root unless told to; the harness runs as root in the Debian 13
 * root on a CI box, on loopback, so the configuration says `run_as_root`. Never call
 * `prosody --version`: it starts a server with the system configuration.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { client, xml, type XmppClient } from '@xmpp/client';
import { mapConcurrently } from '../../test/helpers/concurrency.js';
import type { ChatServer, Sender } from './chat-server.js';
import { LOOPBACK, freePort, waitForPort } from './loopback.js';
import { startProcess, stopProcess } from './processes.js';

export const PROSODY = '/usr/bin/prosody';
const DOMAIN = 'bench.invalid';
const ROOM = `bench@conference.${DOMAIN}`;
const MUC = 'http://jabber.org/protocol/muc';
const STEP_TIMEOUT_MS = 10_000;
const CONNECT_CONCURRENCY = 8;

export async function startXmppServer(): Promise<ChatServer> {
  const dir = mkdtempSync(join(tmpdir(), 'hail-bench-prosody-'));
  const port = await freePort();
  mkdirSync(join(dir, 'data'));
  const config = join(dir, 'prosody.cfg.lua');
  writeFileSync(
    config,
    `-- Written by Hail's benchmark harness; loopback only, nothing kept.
run_as_root = true
daemonize = false
pidfile = "${dir}/prosody.pid"
data_path = "${dir}/data"
log = { { levels = { min = "error" }, to = "console" } }
interfaces = { "${LOOPBACK}" }
c2s_ports = { ${port} }
c2s_direct_tls_ports = {}
s2s_ports = {}
http_ports = {}
https_ports = {}
modules_enabled = { "saslauth", "disco" }
modules_disabled = { "s2s", "offline", "tls" }
c2s_require_encryption = false
storage = "memory"

VirtualHost "${DOMAIN}"
  authentication = "anonymous"

Component "conference.${DOMAIN}" "muc"
  restrict_room_creation = false
  muc_room_locking = false
  muc_room_default_history_length = 0
`,
  );
  const child = startProcess(PROSODY, ['--config', config]);
  const output: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  try {
    await waitForPort(port, STEP_TIMEOUT_MS);
  } catch (error) {
    await stopProcess(child);
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${(error as Error).message}\n${output.join('')}`, { cause: error });
  }
  const clients: XmppClient[] = [];
  let nick = 0;
  const enter = async (onText: (text: string) => void): Promise<XmppClient> => {
    const entity = await joinRoom(port, `reader${++nick}`, onText);
    clients.push(entity);
    return entity;
  };
  return {
    name: 'Prosody',
    persists: false,
    pid: child.pid!,
    async connectReceivers(count, onText) {
      await mapConcurrently(Array.from({ length: count }), CONNECT_CONCURRENCY, () => enter(onText));
    },
    async openSender(): Promise<Sender> {
      // The room reflects every message to its sender too; the sender ignores it.
      const sender = await enter(() => {});
      return {
        send: async (text) => {
          await sender.send(xml('message', { to: ROOM, type: 'groupchat' }, xml('body', {}, text)));
          return true;
        },
      };
    },
    async stop() {
      // Not entity.stop(): hundreds of polite goodbyes make the room send each leaver's presence
      // to all the others, the close handshake times out, and @xmpp/connection then throws on
      // the data still arriving. Cutting the sockets is what a vanished phone does anyway.
      for (const entity of clients) {
        entity.reconnect.stop();
        entity.socket?.destroy();
      }
      await stopProcess(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Logs in anonymously, joins the room, and resolves once the room has sent our own presence (status 110). */
async function joinRoom(port: number, nick: string, onText: (text: string) => void): Promise<XmppClient> {
  const entity = client({ service: `xmpp://${LOOPBACK}:${port}`, domain: DOMAIN });
  entity.on('error', () => {});
  let joined: () => void = () => {};
  const inRoom = new Promise<void>((done) => (joined = done));
  entity.on('stanza', (stanza) => {
    if (stanza.is('message')) {
      const body = stanza.getChildText('body');
      if (body !== null) onText(body);
    } else if (stanza.is('presence') && stanza.attrs.from === `${ROOM}/${nick}`) joined();
  });
  await entity.start();
  await entity.send(xml('presence', { to: `${ROOM}/${nick}` }, xml('x', { xmlns: MUC }, xml('history', { maxstanzas: '0' }))));
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    inRoom,
    new Promise(
      (_, fail) =>
        (timer = setTimeout(() => fail(new Error(`${nick} did not get into the room within ${STEP_TIMEOUT_MS} ms`)), STEP_TIMEOUT_MS)),
    ),
  ]);
  clearTimeout(timer);
  return entity;
}
