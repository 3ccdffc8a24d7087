/**
 * Starts a real Hail server (the built dist/hail.js) in a child process, on an ephemeral port
 * with a temporary data directory, and talks to it over real HTTP and WebSocket. Every suite
 * uses this; no test depends on another's leftovers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';

export const HAIL = resolve('dist/hail.js');

export interface HailProcess {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  readonly child: ChildProcess;
  readonly logs: string[];
  setupCode(): string;
  /** SIGTERM and wait; resolves with the exit code. */
  stop(): Promise<number | null>;
  kill(): Promise<void>;
}

export interface StartOptions {
  dataDir?: string;
  env?: Record<string, string>;
  args?: string[];
  /** A command the server runs under, such as `nsenter --net=...` for a network namespace. */
  wrap?: string[];
}

export const newDataDir = (): string => mkdtempSync(join(tmpdir(), 'hail-test-'));

export async function startHail(options: StartOptions = {}): Promise<HailProcess> {
  const dataDir = options.dataDir ?? newDataDir();
  const [command, ...prefix] = [...(options.wrap ?? []), process.execPath];
  const child = spawn(
    command!,
    [...prefix, HAIL, 'serve', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir, ...(options.args ?? [])],
    {
      env: {
        ...process.env,
        HAIL_LOG_LEVEL: 'info',
        HAIL_POSTS_PER_SECOND: '1000',
        HAIL_POST_BURST: '1000',
        HAIL_LOGINS_PER_MINUTE: '1000',
        HAIL_SYNC_PORT: '0',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const logs: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const port = await new Promise<number>((done, fail) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => fail(new Error(`server did not start:\n${logs.join('')}`)), 15000);
    lines.on('line', (line) => {
      logs.push(line);
      try {
        const entry = JSON.parse(line) as { msg?: string; port?: number };
        if (entry.msg === 'Hail is listening' && entry.port) {
          clearTimeout(timer);
          done(entry.port);
        }
      } catch {
        // not a log line
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`server exited with ${code}:\n${logs.join('\n')}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    dataDir,
    child,
    logs,
    setupCode: () => readFileSync(join(dataDir, 'setup-code'), 'utf8').trim(),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

export const removeDataDir = (dir: string): void => rmSync(dir, { recursive: true, force: true });

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** An HTTP client with its own cookie, like one browser. */
export class Client {
  cookie = '';
  bearer = '';

  constructor(readonly baseUrl: string) {}

  async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const response = await fetch(this.baseUrl + path, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(this.bearer ? { authorization: `Bearer ${this.bearer}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    for (const cookie of response.headers.getSetCookie()) {
      const pair = cookie.split(';')[0]!;
      this.cookie = pair.endsWith('=') ? '' : pair;
    }
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
  }

  get = <T = any>(path: string) => this.request<T>('GET', path);
  post = <T = any>(path: string, body: unknown = {}) => this.request<T>('POST', path, body);
  patch = <T = any>(path: string, body: unknown) => this.request<T>('PATCH', path, body);
  put = <T = any>(path: string, body?: unknown) => this.request<T>('PUT', path, body);
  delete = <T = any>(path: string) => this.request<T>('DELETE', path);

  socket(): Promise<Socket> {
    return Socket.open(this.baseUrl.replace(/^http/, 'ws') + '/api/v1/ws', {
      ...(this.cookie ? { cookie: this.cookie } : {}),
      ...(this.bearer ? { authorization: `Bearer ${this.bearer}` } : {}),
    });
  }
}

/** A WebSocket that keeps every frame it receives, and waits for the ones a test expects. */
export class Socket {
  readonly frames: any[] = [];
  private waiters: (() => void)[] = [];
  closed: { code: number; reason: string } | undefined;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.frames.push(JSON.parse(data.toString()));
      this.wake();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.wake();
    });
  }

  static open(url: string, headers: Record<string, string>): Promise<Socket> {
    return new Promise((done, fail) => {
      const ws = new WebSocket(url, { headers });
      const socket = new Socket(ws);
      ws.once('open', () => done(socket));
      ws.once('unexpected-response', (_request, response) =>
        fail(Object.assign(new Error(`upgrade refused: ${response.statusCode}`), { status: response.statusCode })),
      );
      ws.once('error', fail);
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Waits until `predicate` holds for the frames received so far. */
  async until<T>(predicate: (frames: any[]) => T | undefined | false, timeoutMs = 5000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const result = predicate(this.frames);
      if (result) return result;
      if (this.closed) throw new Error(`socket closed (${this.closed.code} ${this.closed.reason}) while waiting`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; frames: ${JSON.stringify(this.frames.slice(-10))}`);
      await new Promise<void>((wake) => {
        const timer = setTimeout(wake, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          wake();
        });
      });
    }
  }

  private cursor = 0;

  /** The first frame of `type` not yet taken by `next`, waiting for it if need be. */
  async next(type: string, timeoutMs?: number): Promise<any> {
    const index = await this.until((frames) => {
      const found = frames.findIndex((frame, at) => at >= this.cursor && frame.type === type);
      return found >= 0 ? found + 1 : undefined;
    }, timeoutMs);
    this.cursor = index;
    return this.frames[index - 1];
  }

  events(): any[] {
    return this.frames.filter((frame) => frame.type === 'event');
  }

  /** Sends resume and waits until the replay is done. */
  async resume(since: number): Promise<void> {
    const seen = this.frames.length;
    this.send({ type: 'resume', since });
    await this.until((frames) => frames.slice(seen).some((frame) => frame.type === 'resumed'));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    const closed = new Promise((done) => this.ws.once('close', done));
    this.ws.close();
    await closed;
  }
}
