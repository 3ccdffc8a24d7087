/**
 * Drives ngircd, the IRC peer: a configuration written to a temporary directory (never the
 * system's), bound to 127.0.0.1, with no connection limits and no penalty time, started in
 * the foreground and stopped by PID. Clients are plain TCP: NICK/USER, wait for the welcome
 * (001), JOIN, wait for the end of the names list (366); PINGs are answered.
 *
 * ngircd drops clients that connect in a burst, so receivers connect one at a time, each
 * after the previous one is in the channel. The sender is an IRC operator with user mode +F
 * (relaxed flood protection), which with `MaxPenaltyTime = 0` lets it send at any rate.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChatServer, Sender } from './chat-server.js';
import { LOOPBACK, freePort, waitForPort } from './loopback.js';
import { startProcess, stopProcess } from './processes.js';

export const NGIRCD = '/usr/sbin/ngircd';
const CHANNEL = '#bench';
const OPERATOR_PASSWORD = 'bench-only';
const STEP_TIMEOUT_MS = 10_000;

export async function startIrcServer(): Promise<ChatServer> {
  const dir = mkdtempSync(join(tmpdir(), 'hail-bench-ngircd-'));
  const port = await freePort();
  const config = join(dir, 'ngircd.conf');
  writeFileSync(
    config,
    `[Global]
  Name = bench.hail.invalid
  Info = Hail benchmark peer
  Listen = ${LOOPBACK}
  Ports = ${port}
  MotdPhrase = benchmark
[Limits]
  MaxConnections = 0
  MaxConnectionsIP = 0
  MaxJoins = 0
  MaxNickLength = 30
  MaxPenaltyTime = 0
  PingTimeout = 600
  PongTimeout = 600
[Options]
  DNS = no
  Ident = no
  PAM = no
[Operator]
  Name = bench
  Password = ${OPERATOR_PASSWORD}
`,
  );
  // In the foreground ngircd logs every connection to stdout: unread, a pipe would fill and stall it.
  const child = startProcess(NGIRCD, ['--nodaemon', '--config', config], { stdio: 'ignore' });
  try {
    await waitForPort(port, STEP_TIMEOUT_MS);
  } catch (error) {
    await stopProcess(child);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const clients: IrcClient[] = [];
  let nick = 0;
  return {
    name: 'ngircd',
    persists: false,
    pid: child.pid!,
    async connectReceivers(count, onText) {
      for (let index = 0; index < count; index++) clients.push(await IrcClient.join(port, `reader${++nick}`, onText));
    },
    async openSender(): Promise<Sender> {
      const sender = await IrcClient.join(port, `sender${++nick}`, () => {}, true);
      clients.push(sender);
      return { send: async (text) => sender.write(`PRIVMSG ${CHANNEL} :${text}`) };
    },
    async stop() {
      for (const client of clients) client.socket.destroy();
      await stopProcess(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

class IrcClient {
  private buffered = '';
  private waiting: { reply: string; text: string; done: () => void } | undefined;

  private constructor(
    readonly socket: Socket,
    private readonly onText: (text: string) => void,
  ) {
    socket.setEncoding('utf8');
    socket.setNoDelay(true);
    socket.on('data', (chunk: string) => this.read(chunk));
  }

  static async join(port: number, nick: string, onText: (text: string) => void, operator = false): Promise<IrcClient> {
    const socket = connect(port, LOOPBACK);
    const client = new IrcClient(socket, onText);
    await client.expect('001', () => client.write(`NICK ${nick}\r\nUSER ${nick} 0 * :${nick}`));
    if (operator) await client.expect('MODE', () => client.write(`OPER bench ${OPERATOR_PASSWORD}\r\nMODE ${nick} +F`), `MODE ${nick} :+F`);
    await client.expect('366', () => client.write(`JOIN ${CHANNEL}`));
    return client;
  }

  write(line: string): boolean {
    return this.socket.write(`${line}\r\n`);
  }

  /** Runs `send`, then waits for a line whose command is `reply` (and that holds `text`). */
  private expect(reply: string, send: () => void, text = ''): Promise<void> {
    return new Promise((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`ngircd did not answer ${reply} within ${STEP_TIMEOUT_MS} ms`)), STEP_TIMEOUT_MS);
      const failed = (error: Error) => {
        clearTimeout(timer);
        fail(error);
      };
      this.socket.once('error', failed);
      this.waiting = {
        reply,
        text,
        done: () => {
          clearTimeout(timer);
          this.socket.off('error', failed);
          done();
        },
      };
      send();
    });
  }

  private read(chunk: string): void {
    const lines = (this.buffered + chunk).split('\r\n');
    this.buffered = lines.pop()!;
    for (const line of lines) {
      if (line.startsWith('PING ')) {
        this.write(`PONG ${line.slice(5)}`);
        continue;
      }
      const command = line.split(' ', 2)[1];
      if (command === 'PRIVMSG') {
        this.onText(line);
        continue;
      }
      if (this.waiting && command === this.waiting.reply && line.includes(this.waiting.text)) {
        const { done } = this.waiting;
        this.waiting = undefined;
        done();
      }
    }
  }
}
