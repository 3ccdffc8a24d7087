/**
 * No request and no WebSocket frame can end the process. A malformed percent escape in a path
 * (`/api/v1/invites/%ZZ`) used to throw URIError outside any handler and Node exited: one
 * cross-site <img> took the box down. Every route in the route table gets malformed escapes,
 * overlong UTF-8, NUL and odd bytes in its path parameters and its query, and must answer each
 * with a 4xx and a machine-readable code; the server answers /healthz after all of them.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import WebSocket from 'ws';
import { ROUTES } from '../src/http/routes/index.js';
import { startWorld, type World } from './helpers/world.js';

// Written into the request line as they are: bytes, not characters (latin1 keeps 0x80-0xFF single bytes).
// Malformed escapes (a bad hex digit, a cut sequence, overlong UTF-8, a lone surrogate) are always 400.
const BAD_ESCAPES = ['%ZZ', '%E0%A4%A', '%C0%AF', '%', '%FF%FE', 'a%2', '%ED%A0%80'];
// NUL and odd bytes, escaped, are well-formed: whatever a route makes of them, it answers without a 5xx.
const ODD_BYTES = ['%00', '%01%1B%7F', 'a%00b', '%EF%BF%BF'];
// Raw control and high bytes: uWebSockets.js's own parser may refuse the request line (505), before any route.
const RAW_BYTES = ['x\x01y', '\x80\xff', '\x7f', '\x00'];
const queriesOf = (values: string[]) => values.flatMap((value) => [`q=${value}`, `limit=${value}&before=${value}`, `${value}=1`]);
interface RawAnswer {
  status: number;
  body: string;
}

/** One HTTP/1.1 request written byte for byte (fetch would re-encode the path). */
function rawRequest(port: number, method: string, target: string, token: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const body = method === 'GET' || method === 'DELETE' ? '' : '{}';
    socket.on('connect', () => {
      socket.write(
        Buffer.from(
          `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\n` +
            `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
          'latin1',
        ),
      );
    });
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    });
    socket.setTimeout(10_000, () => socket.destroy(new Error(`no answer to ${method} ${JSON.stringify(target)}`)));
  });
}

describe('malformed requests and frames', () => {
  let world: World;
  let token: string;

  before(async () => {
    world = await startWorld();
    token = (await world.admin.post('/api/v1/me/tokens', { name: 'fuzzer' })).body.token;
  });

  after(async () => {
    await world?.dispose();
  });

  test('every route answers malformed escapes, overlong UTF-8, NUL and odd bytes with a 4xx and a code, and the server stays up', async () => {
    let sent = 0;
    for (const route of ROUTES.filter((candidate) => candidate.path !== '/api/v1/auth/logout')) {
      const method = route.method === 'del' ? 'DELETE' : route.method.toUpperCase();
      const hasParams = route.path.includes(':');
      const path = (value: string) => route.path.replace(/:\w+/g, value);
      const cases: { target: string; malformed: boolean; parser?: boolean }[] = [
        ...(hasParams ? BAD_ESCAPES.map((bad) => ({ target: path(bad), malformed: true })) : []),
        ...queriesOf(BAD_ESCAPES).map((query) => ({ target: `${path('x')}?${query}`, malformed: true })),
        ...(hasParams ? ODD_BYTES.map((odd) => ({ target: path(odd), malformed: false })) : []),
        ...queriesOf(ODD_BYTES).map((query) => ({ target: `${path('x')}?${query}`, malformed: false })),
        ...(hasParams ? RAW_BYTES.map((raw) => ({ target: path(raw), malformed: false, parser: true })) : []),
        ...queriesOf(RAW_BYTES).map((query) => ({ target: `${path('x')}?${query}`, malformed: false, parser: true })),
      ];
      for (const { target, malformed, parser } of cases) {
        const answer = await rawRequest(world.hail.port, method, target, token);
        const what = `${method} ${JSON.stringify(target)} answered ${answer.status} ${answer.body}`;
        sent += 1;
        if (parser && answer.status === 505) continue;
        if (malformed) assert.ok(answer.status >= 400 && answer.status < 500, what);
        else assert.ok(answer.status >= 200 && answer.status < 500, what);
        if (answer.status >= 400) assert.match(JSON.parse(answer.body).error.code, /^[a-z_]+$/, what);
      }
      assert.equal(world.hail.child.exitCode, null, `the server exited after ${method} ${route.path}`);
    }
    assert.ok(sent > ROUTES.length * 3 * (BAD_ESCAPES.length + ODD_BYTES.length + RAW_BYTES.length));
    assert.equal((await fetch(`${world.hail.url}/healthz`)).status, 200);
  });

  test('a malformed escape in a path parameter is 400 invalid_path, also without logging in', async () => {
    for (const bad of ['%ZZ', '%E0%A4%A', '%C0%AF']) {
      const answer = await rawRequest(world.hail.port, 'GET', `/api/v1/invites/${bad}`, '');
      assert.equal(answer.status, 400, answer.body);
      assert.equal(JSON.parse(answer.body).error.code, 'invalid_path');
    }
    assert.equal((await fetch(`${world.hail.url}/healthz`)).status, 200);
  });

  test('malformed WebSocket frames get an error frame or a clean close, and the server stays up', async () => {
    const frames: (string | Buffer)[] = [
      '{',
      'null',
      '[]',
      '"resume"',
      '{"type":"resume"}',
      '{"type":"resume","since":-1}',
      '{"type":"resume","since":1e308}',
      '{"type":"resume","since":"0"}',
      '{"type":"typing","channelId":"%ZZ"}',
      '{"type":"typing","channelId":{"__proto__":{"x":1}}}',
      '{"type":"clock","now":-5}',
      '{"type":"clock","now":1e400}',
      '{"__proto__":{"type":"ping"}}',
      '{"type":"nope"}',
      '\u0000\u0001',
      '['.repeat(5000) + ']'.repeat(5000),
      '{"type":"ping","pad":"' + 'x'.repeat(200_000) + '"}',
      Buffer.from([0xc0, 0xaf, 0xff, 0x00]),
    ];
    for (const frame of frames) {
      const socket = await world.admin.socket();
      socket.ws.send(frame, { binary: Buffer.isBuffer(frame) });
      socket.send({ type: 'ping' });
      // Frames are handled in order: the pong (or a close) says the bad frame has been dealt with.
      await socket.until((received) => socket.closed || received.some((candidate) => candidate.type === 'pong'), 5000);
      const what = `${JSON.stringify(String(frame)).slice(0, 60)}: ${JSON.stringify(socket.frames).slice(0, 300)}`;
      for (const error of socket.frames.filter((candidate) => candidate.type === 'error')) {
        assert.match(error.error.code, /^[a-z_]+$/, what);
        assert.notEqual(error.error.code, 'internal', what);
      }
      if (!socket.closed) {
        await socket.resume(0); // the socket still works
        await socket.close();
      }
      assert.equal(world.hail.child.exitCode, null);
    }
    // Invalid UTF-8 in a text frame: the ws client will not send one, so write the frame by hand.
    const raw = new WebSocket(world.hail.url.replace(/^http/, 'ws') + '/api/v1/ws', { headers: { authorization: `Bearer ${token}` } });
    await new Promise((resolve) => raw.once('open', resolve));
    const closed = new Promise((resolve) => raw.once('close', resolve));
    raw.on('error', () => undefined);
    (raw as unknown as { _socket: import('node:net').Socket })._socket.write(Buffer.from([0x81, 0x84, 0, 0, 0, 0, 0xc0, 0xaf, 0xff, 0xfe]));
    await closed;
    assert.equal((await fetch(`${world.hail.url}/healthz`)).status, 200);
    const after = await world.admin.socket();
    await after.resume(0);
    await after.close();
  });
});
