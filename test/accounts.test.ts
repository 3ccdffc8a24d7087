/**
 * Accounts over real HTTP: first-start setup, logging in and out, the login rate limit, one's
 * own profile, password and bot tokens, invite links, the user directory, and what admins do
 * to accounts (deactivate, reactivate, change roles).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client, removeDataDir, startHail, type ApiResponse, type HailProcess } from './helpers/server.js';
import { startWorld, type World } from './helpers/world.js';

const ADMIN_PASSWORD = 'correct horse battery';

function assertError(response: ApiResponse, status: number, code: string): void {
  assert.equal(response.status, status, `expected ${status} ${code}, got ${response.status} ${JSON.stringify(response.body)}`);
  assert.equal(response.body?.error?.code, code);
  assert.equal(typeof response.body.error.message, 'string');
  assert.ok(response.body.error.message.length > 0);
}

async function loggedIn(url: string, username: string, password: string): Promise<Client> {
  const client = new Client(url);
  const login = await client.post('/api/v1/auth/login', { username, password });
  assert.equal(login.status, 200, JSON.stringify(login.body));
  return client;
}

/**
 * Environment that starts a server whose system clock runs `offsetMs` ahead, like a box whose
 * clock jumped forward; used to see time-limited things run out without waiting for them.
 */
function clockAheadEnv(dir: string, offsetMs: number): Record<string, string> {
  const preload = join(dir, 'clock-ahead.mjs');
  writeFileSync(preload, `const realNow = Date.now;\nDate.now = () => realNow() + ${offsetMs};\n`);
  return { NODE_OPTIONS: `--import=${pathToFileURL(preload).href}` };
}

describe('first start: the one-time setup code', () => {
  let hail: HailProcess;
  let code: string;
  before(async () => {
    hail = await startHail();
    code = hail.setupCode();
  });
  after(async () => {
    await hail.stop();
    removeDataDir(hail.dataDir);
  });

  const setupBody = (code: string, username = 'skipper') => ({
    code,
    username,
    password: 'a long enough password',
    displayName: 'The Skipper',
    teamName: 'flotilla',
    teamDisplayName: 'The Flotilla',
  });

  test('a fresh box says it waits for its first administrator', async () => {
    const answer = await new Client(hail.url).get('/api/v1/setup');
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, { needed: true });
  });

  test('a wrong setup code is refused with 403 invalid_setup_code and creates nobody', async () => {
    const visitor = new Client(hail.url);
    const refused = await visitor.post('/api/v1/setup', setupBody('not-the-code'));
    assertError(refused, 403, 'invalid_setup_code');
    assert.equal(visitor.cookie, '');
    assert.deepEqual((await visitor.get('/api/v1/setup')).body, { needed: true });
    assertError(
      await visitor.post('/api/v1/auth/login', { username: 'skipper', password: 'a long enough password' }),
      401,
      'invalid_credentials',
    );
  });

  test('the setup code makes the first admin and team, and logs the admin in', async () => {
    const owner = new Client(hail.url);
    const made = await owner.post('/api/v1/setup', setupBody(code));
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.equal(made.body.user.username, 'skipper');
    assert.equal(made.body.user.role, 'admin');
    assert.equal(made.body.user.active, true);
    assert.match(owner.cookie, /^hail_session=[A-Za-z0-9_-]{43}$/);
    const me = await owner.get('/api/v1/me');
    assert.equal(me.status, 200);
    assert.equal(me.body.user.id, made.body.user.id);
    assert.equal(
      me.body.origin,
      (await owner.get('/api/v1/status')).body.origin,
      'the database it answers from, for browsers to key their caches by',
    );
    const teams = await owner.get('/api/v1/teams');
    assert.deepEqual(
      teams.body.teams.map((team: any) => [team.name, team.displayName, team.member]),
      [['flotilla', 'The Flotilla', true]],
    );
    assert.deepEqual((await owner.get('/api/v1/setup')).body, { needed: false });
  });

  test('the setup code works once: a second setup is refused', async () => {
    const intruder = new Client(hail.url);
    // The code is spent: it is gone from the data directory, and knowing it no longer helps.
    assert.throws(() => hail.setupCode(), { code: 'ENOENT' });
    const again = await intruder.post('/api/v1/setup', setupBody(code, 'intruder'));
    assertError(again, 403, 'setup_done');
    assert.equal(intruder.cookie, '');
    assertError(
      await intruder.post('/api/v1/auth/login', { username: 'intruder', password: 'a long enough password' }),
      401,
      'invalid_credentials',
    );
  });
});

describe('the login rate limit', () => {
  let world: World;
  before(async () => {
    world = await startWorld({ env: { HAIL_LOGINS_PER_MINUTE: '3' } });
  });
  after(async () => {
    await world.dispose();
  });

  test('someone guessing passwords gets 429 with Retry-After, and then even the right password waits', async () => {
    const guesser = world.client();
    const statuses: number[] = [];
    let limited: ApiResponse | undefined;
    for (let attempt = 0; attempt < 5 && !limited; attempt++) {
      const answer = await guesser.post('/api/v1/auth/login', { username: 'admin', password: `guess ${attempt}` });
      statuses.push(answer.status);
      if (answer.status === 429) limited = answer;
    }
    // Three attempts a minute per address (setup spent one of them): by the fourth, the limit holds.
    assert.ok(limited, `never limited: ${statuses.join(' ')}`);
    assert.ok(statuses.length >= 2 && statuses.length <= 4, `statuses: ${statuses.join(' ')}`);
    assert.deepEqual(
      statuses.slice(0, -1),
      statuses.slice(0, -1).map(() => 401),
    );
    assertError(limited!, 429, 'rate_limited');
    const retryAfter = Number(limited!.headers.get('retry-after'));
    assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After: ${limited!.headers.get('retry-after')}`);
    const right = await guesser.post('/api/v1/auth/login', { username: 'admin', password: ADMIN_PASSWORD });
    assertError(right, 429, 'rate_limited');
    assert.equal(guesser.cookie, '');
  });
});

/** A login sent from another address of the loopback network (127.0.0.0/8), as another phone would. */
function loginFrom(url: string, address: string, username: string, password: string): Promise<{ status: number; ms: number }> {
  const body = JSON.stringify({ username, password });
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const sent = request(
      `${url}/api/v1/auth/login`,
      {
        method: 'POST',
        localAddress: address,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (answer) => {
        answer.resume();
        answer.on('end', () => resolve({ status: answer.statusCode!, ms: performance.now() - started }));
      },
    );
    sent.on('error', reject);
    sent.end(body);
  });
}

describe('guessing one account from many addresses', () => {
  let world: World;
  before(async () => {
    world = await startWorld({ env: { HAIL_LOGINS_PER_MINUTE: '3' } });
  });
  after(async () => {
    await world.dispose();
  });

  test('the owner still logs in at once, while the guesses are answered slowly', async () => {
    const guesses: { status: number; ms: number }[] = [];
    for (let host = 10; host < 16; host++) guesses.push(await loginFrom(world.hail.url, `127.0.0.${host}`, 'admin', `guess ${host}`));
    assert.deepEqual(
      guesses.map((guess) => guess.status),
      [401, 401, 401, 401, 401, 401],
    );
    // Three failures a minute are free; from the fourth on, a wrong guess is answered late.
    assert.ok(
      guesses.slice(3).every((guess) => guess.ms >= 1900),
      `guesses took ${guesses.map((guess) => Math.round(guess.ms)).join(' ')} ms`,
    );
    const owner = await loginFrom(world.hail.url, '127.0.0.20', 'admin', ADMIN_PASSWORD);
    assert.equal(owner.status, 200);
    assert.ok(owner.ms < 1900, `the owner's login took ${Math.round(owner.ms)} ms`);
  });
});

describe('accounts', () => {
  let world: World;
  before(async () => {
    world = await startWorld();
  });
  after(async () => {
    await world.dispose();
  });

  const admin = () => world.admin;
  const invite = async (body: Record<string, unknown> = {}) => {
    const made = await admin().post('/api/v1/invites', { teamId: world.team.id, ...body });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    return made.body as { invite: any; token: string; path: string };
  };
  const register = (token: string, username: string, client = world.client()) =>
    client.post('/api/v1/register', { token, username, password: `password of ${username}`, displayName: `Sailor ${username}` });

  describe('logging in and out', () => {
    test('logging in sets an HttpOnly, SameSite=Lax session cookie', async () => {
      const browser = world.client();
      const login = await browser.post('/api/v1/auth/login', { username: 'admin', password: ADMIN_PASSWORD });
      assert.equal(login.status, 200);
      assert.equal(login.body.user.username, 'admin');
      const cookies = login.headers.getSetCookie();
      assert.equal(cookies.length, 1);
      const attributes = cookies[0]!.split(';').map((part) => part.trim());
      assert.match(attributes[0]!, /^hail_session=[A-Za-z0-9_-]{43}$/);
      assert.ok(attributes.includes('HttpOnly'), cookies[0]);
      assert.ok(attributes.includes('SameSite=Lax'), cookies[0]);
      assert.ok(attributes.includes('Path=/'), cookies[0]);
      assert.equal((await browser.get('/api/v1/me')).body.user.username, 'admin');
    });

    test('usernames are matched without regard to case or surrounding spaces', async () => {
      const browser = world.client();
      const login = await browser.post('/api/v1/auth/login', { username: '  ADMIN ', password: ADMIN_PASSWORD });
      assert.equal(login.status, 200);
      assert.equal(login.body.user.username, 'admin');
    });

    test('a wrong password is refused with 401 invalid_credentials and sets no cookie', async () => {
      const browser = world.client();
      const login = await browser.post('/api/v1/auth/login', { username: 'admin', password: 'wrong horse battery' });
      assertError(login, 401, 'invalid_credentials');
      assert.deepEqual(login.headers.getSetCookie(), []);
      assertError(await browser.get('/api/v1/me'), 401, 'unauthorized');
    });

    test('an unknown username gets the same answer as a wrong password', async () => {
      const login = await world.client().post('/api/v1/auth/login', { username: 'nobody-here', password: ADMIN_PASSWORD });
      assertError(login, 401, 'invalid_credentials');
    });

    test('logging out ends the session on the server, not only in the browser', async () => {
      const browser = await loggedIn(world.hail.url, 'admin', ADMIN_PASSWORD);
      const stolenCopy = browser.cookie;
      const logout = await browser.post('/api/v1/auth/logout');
      assert.equal(logout.status, 204);
      const cleared = logout.headers.getSetCookie()[0] ?? '';
      assert.match(cleared, /^hail_session=;/);
      assert.match(cleared, /Max-Age=0/);
      assert.equal(browser.cookie, '');
      const replay = world.client();
      replay.cookie = stolenCopy;
      assertError(await replay.get('/api/v1/me'), 401, 'unauthorized');
    });

    test("logging out on one device leaves the user's other sessions logged in", async () => {
      const phone = await loggedIn(world.hail.url, 'admin', ADMIN_PASSWORD);
      const laptop = await loggedIn(world.hail.url, 'admin', ADMIN_PASSWORD);
      assert.equal((await phone.post('/api/v1/auth/logout')).status, 204);
      assert.equal((await laptop.get('/api/v1/me')).status, 200);
      assert.equal((await admin().get('/api/v1/me')).status, 200);
    });

    test('the session probe answers 200 { user: null } without a session, and what /me answers with one', async () => {
      const anonymous = await world.client().get('/api/v1/session');
      assert.equal(anonymous.status, 200);
      assert.deepEqual(anonymous.body, { user: null });
      const ended = world.client();
      ended.cookie = 'hail_session=' + 'x'.repeat(43);
      assert.deepEqual((await ended.get('/api/v1/session')).body, { user: null }, 'an unknown cookie is no session');
      const browser = await loggedIn(world.hail.url, 'admin', ADMIN_PASSWORD);
      assert.deepEqual((await browser.get('/api/v1/session')).body, (await browser.get('/api/v1/me')).body);
      await browser.post('/api/v1/auth/logout');
      assert.deepEqual((await browser.get('/api/v1/session')).body, { user: null });
    });

    test('logging out needs a session', async () => {
      assertError(await world.client().post('/api/v1/auth/logout'), 401, 'unauthorized');
    });
  });

  describe('one’s own account', () => {
    test('a user changes their display name and others see the new one', async () => {
      const { client, id } = await world.join('dora');
      const changed = await client.patch('/api/v1/me', { displayName: 'Dora the Navigator' });
      assert.equal(changed.status, 200);
      assert.equal(changed.body.user.displayName, 'Dora the Navigator');
      assert.equal(changed.body.user.username, 'dora');
      assert.equal((await client.get('/api/v1/me')).body.user.displayName, 'Dora the Navigator');
      assert.equal((await admin().get(`/api/v1/users/${id}`)).body.user.displayName, 'Dora the Navigator');
    });

    test('an empty display name is refused and the old one stays', async () => {
      const { client } = await world.join('edgar');
      assertError(await client.patch('/api/v1/me', { displayName: '' }), 400, 'invalid_display_name');
      assert.equal((await client.get('/api/v1/me')).body.user.displayName, 'EDGAR');
    });

    test('changing the password needs the right current password', async () => {
      const { client } = await world.join('fiona');
      const refused = await client.post('/api/v1/me/password', { currentPassword: 'not my password', newPassword: 'a brand new password' });
      assertError(refused, 403, 'invalid_credentials');
      await loggedIn(world.hail.url, 'fiona', 'password of fiona');
      assertError(
        await world.client().post('/api/v1/auth/login', { username: 'fiona', password: 'a brand new password' }),
        401,
        'invalid_credentials',
      );
    });

    test('after a password change the new password logs in and the old one does not', async () => {
      const { client } = await world.join('gus');
      const changed = await client.post('/api/v1/me/password', {
        currentPassword: 'password of gus',
        newPassword: 'gus has a new password',
      });
      assert.equal(changed.status, 204);
      assertError(
        await world.client().post('/api/v1/auth/login', { username: 'gus', password: 'password of gus' }),
        401,
        'invalid_credentials',
      );
      const again = await loggedIn(world.hail.url, 'gus', 'gus has a new password');
      assert.equal((await again.get('/api/v1/me')).body.user.username, 'gus');
    });

    test("a password change ends the account's other sessions and bot tokens, but not the one that changed it", async () => {
      const { client } = await world.join('ivy');
      const phone = await loggedIn(world.hail.url, 'ivy', 'password of ivy');
      const token = (await client.post('/api/v1/me/tokens', { name: 'ivy bot' })).body.token as string;
      const phoneSocket = await phone.socket();
      await phoneSocket.resume((await phoneSocket.next('hello')).feedSeq);
      assert.equal(
        (await client.post('/api/v1/me/password', { currentPassword: 'password of ivy', newPassword: 'ivy changed it' })).status,
        204,
      );
      await phoneSocket.until(() => phoneSocket.closed);
      assert.equal(phoneSocket.closed?.code, 4002);
      assert.equal((await phone.get('/api/v1/me')).status, 401);
      const bot = world.client();
      bot.bearer = token;
      assert.equal((await bot.get('/api/v1/me')).status, 401);
      assert.equal((await client.get('/api/v1/me')).status, 200);
    });

    test('a new password shorter than 8 characters is refused', async () => {
      const { client } = await world.join('hank');
      assertError(
        await client.post('/api/v1/me/password', { currentPassword: 'password of hank', newPassword: 'short' }),
        400,
        'weak_password',
      );
      await loggedIn(world.hail.url, 'hank', 'password of hank');
    });
  });

  describe('bot tokens', () => {
    test('a bot token works as a Bearer credential, without a cookie', async () => {
      const { client, id } = await world.join('botmaker');
      const made = await client.post('/api/v1/me/tokens', { name: 'weather bot' });
      assert.equal(made.status, 201);
      assert.equal(made.body.name, 'weather bot');
      assert.match(made.body.token, /^[A-Za-z0-9_-]{43}$/);
      const bot = world.client();
      bot.bearer = made.body.token;
      const me = await bot.get('/api/v1/me');
      assert.equal(me.status, 200);
      assert.equal(me.body.user.id, id);
      const sent = await bot.post(`/api/v1/channels/${world.team.defaultChannelId}/posts`, { message: 'GRIB file for tomorrow is in' });
      assert.equal(sent.status, 201);
      assert.equal(sent.body.post.userId, id);
    });

    test('the token list never shows a secret again', async () => {
      const { client } = await world.join('lister');
      const first = await client.post('/api/v1/me/tokens', { name: 'one' });
      const second = await client.post('/api/v1/me/tokens', { name: 'two' });
      const list = await client.get('/api/v1/me/tokens');
      assert.equal(list.status, 200);
      assert.deepEqual(
        list.body.tokens.map((token: any) => [token.id, token.name]),
        [
          [first.body.id, 'one'],
          [second.body.id, 'two'],
        ],
      );
      for (const token of list.body.tokens) assert.deepEqual(Object.keys(token).sort(), ['createdAt', 'id', 'lastUsedAt', 'name']);
      const text = JSON.stringify(list.body);
      assert.ok(!text.includes(first.body.token) && !text.includes(second.body.token));
      // Another user's list does not show them.
      assert.deepEqual(
        (await admin().get('/api/v1/me/tokens')).body.tokens.filter((token: any) => token.id === first.body.id),
        [],
      );
    });

    test('a revoked token is refused at once with 401', async () => {
      const { client } = await world.join('revoker');
      const made = await client.post('/api/v1/me/tokens', { name: 'short-lived' });
      const bot = world.client();
      bot.bearer = made.body.token;
      assert.equal((await bot.get('/api/v1/me')).status, 200);
      assert.equal((await client.delete(`/api/v1/me/tokens/${made.body.id}`)).status, 204);
      assertError(await bot.get('/api/v1/me'), 401, 'unauthorized');
      assert.deepEqual((await client.get('/api/v1/me/tokens')).body.tokens, []);
      assertError(await client.delete(`/api/v1/me/tokens/${made.body.id}`), 404, 'token_not_found');
    });

    test("nobody can revoke someone else's token", async () => {
      const owner = await world.join('tokenowner');
      const other = await world.join('tokenthief');
      const made = await owner.client.post('/api/v1/me/tokens', { name: 'mine' });
      assertError(await other.client.delete(`/api/v1/me/tokens/${made.body.id}`), 404, 'token_not_found');
      const bot = world.client();
      bot.bearer = made.body.token;
      assert.equal((await bot.get('/api/v1/me')).status, 200);
    });

    test('a session cookie cannot be revoked as if it were a token', async () => {
      const { client } = await world.join('cookiejar');
      const tokens = await client.get('/api/v1/me/tokens');
      assert.deepEqual(tokens.body.tokens, []);
      assertError(await client.delete('/api/v1/me/tokens/00000000-0000-7000-8000-000000000000'), 404, 'token_not_found');
      assert.equal((await client.get('/api/v1/me')).status, 200);
    });
  });

  describe('invite links', () => {
    test('only an admin creates or lists invites', async () => {
      const { client } = await world.join('plainmember');
      assertError(await client.post('/api/v1/invites', { teamId: world.team.id }), 403, 'admin_only');
      assertError(await client.get('/api/v1/invites'), 403, 'admin_only');
      assertError(await world.client().post('/api/v1/invites', { teamId: world.team.id }), 401, 'unauthorized');
    });

    test('an invite link tells a visitor which team it leads to', async () => {
      const { token, path, invite: made } = await invite({ role: 'guest' });
      assert.equal(path, `/invite/${token}`);
      assert.equal(made.role, 'guest');
      assert.equal(made.valid, true);
      const info = await world.client().get(`/api/v1/invites/${token}`);
      assert.equal(info.status, 200);
      assert.deepEqual(info.body, { team: { id: world.team.id, name: 'crew', displayName: 'The Crew' }, role: 'guest' });
    });

    test('a made-up invite token leads nowhere', async () => {
      assertError(await world.client().get(`/api/v1/invites/${'x'.repeat(43)}`), 404, 'invite_invalid');
      assertError(await register('y'.repeat(43), 'madeup'), 403, 'invite_invalid');
    });

    test('registering with an invite logs in and joins the team and its default channel', async () => {
      const { token } = await invite();
      const newcomer = world.client();
      const registered = await register(token, 'newcomer', newcomer);
      assert.equal(registered.status, 201, JSON.stringify(registered.body));
      assert.equal(registered.body.user.username, 'newcomer');
      assert.equal(registered.body.user.displayName, 'Sailor newcomer');
      assert.equal(registered.body.user.role, 'member');
      assert.equal((await newcomer.get('/api/v1/me')).body.user.id, registered.body.user.id);
      const teams = await newcomer.get('/api/v1/teams');
      assert.deepEqual(
        teams.body.teams.map((team: any) => team.id),
        [world.team.id],
      );
      const channels = await newcomer.get('/api/v1/channels');
      assert.deepEqual(
        channels.body.channels.map((channel: any) => channel.id),
        [world.team.defaultChannelId],
      );
      const members = await admin().get(`/api/v1/teams/${world.team.id}/members`);
      assert.ok(members.body.members.some((member: any) => member.username === 'newcomer'));
    });

    test('a guest who registers joins the team but, deliberately, not its default channel', async () => {
      const { token } = await invite({ role: 'guest' });
      const guest = world.client();
      assert.equal((await register(token, 'deckhand', guest)).status, 201);
      assert.deepEqual(
        (await guest.get('/api/v1/teams')).body.teams.map((team: any) => team.id),
        [world.team.id],
      );
      assert.deepEqual((await guest.get('/api/v1/channels')).body.channels, []);
    });

    test('an invite carries its role to the account it makes', async () => {
      const { token } = await invite({ role: 'guest' });
      const registered = await register(token, 'visitor');
      assert.equal(registered.status, 201);
      assert.equal(registered.body.user.role, 'guest');
    });

    test('an invite with an expiry says when it expires', async () => {
      const before = Date.now();
      const { invite: made } = await invite({ expiresInHours: 48 });
      const after = Date.now();
      assert.ok(
        made.expiresAt >= before + 48 * 3600_000 - 60_000 && made.expiresAt <= after + 48 * 3600_000 + 60_000,
        `expiresAt ${made.expiresAt}`,
      );
      assert.equal(made.expiresAt - made.createdAt, 48 * 3600_000);
      assert.equal(made.valid, true);
    });

    test('an invite limited to two uses is used up by the second registration', async () => {
      const { token, invite: made } = await invite({ maxUses: 2 });
      assert.equal((await register(token, 'twin-one')).status, 201);
      assert.equal((await register(token, 'twin-two')).status, 201);
      assertError(await register(token, 'twin-three'), 403, 'invite_used_up');
      assertError(await world.client().get(`/api/v1/invites/${token}`), 404, 'invite_used_up');
      const listed = (await admin().get('/api/v1/invites')).body.invites.find((row: any) => row.id === made.id);
      assert.equal(listed.uses, 2);
      assert.equal(listed.maxUses, 2);
      assert.equal(listed.valid, false);
      assertError(
        await world.client().post('/api/v1/auth/login', { username: 'twin-three', password: 'password of twin-three' }),
        401,
        'invalid_credentials',
      );
    });

    test('a revoked invite cannot be used, and accounts already made with it stay', async () => {
      const { token, invite: made } = await invite();
      assert.equal((await register(token, 'early-bird')).status, 201);
      assert.equal((await admin().delete(`/api/v1/invites/${made.id}`)).status, 204);
      assertError(await register(token, 'late-comer'), 403, 'invite_invalid');
      assertError(await world.client().get(`/api/v1/invites/${token}`), 404, 'invite_invalid');
      const listed = (await admin().get('/api/v1/invites')).body.invites.find((row: any) => row.id === made.id);
      assert.equal(listed.revoked, true);
      assert.equal(listed.valid, false);
      await loggedIn(world.hail.url, 'early-bird', 'password of early-bird');
    });

    test('only an admin revokes an invite', async () => {
      const { token, invite: made } = await invite();
      const { client } = await world.join('wouldberevoker');
      assertError(await client.delete(`/api/v1/invites/${made.id}`), 403, 'admin_only');
      assert.equal((await world.client().get(`/api/v1/invites/${token}`)).status, 200);
    });

    test('a taken username is refused with 409 and does not use up the invite', async () => {
      await world.join('taken');
      const { token, invite: made } = await invite({ maxUses: 1 });
      const clash = world.client();
      assertError(await register(token, 'taken', clash), 409, 'username_taken');
      assert.equal(clash.cookie, '');
      const listed = (await admin().get('/api/v1/invites')).body.invites.find((row: any) => row.id === made.id);
      assert.equal(listed.uses, 0);
      assert.equal((await register(token, 'not-taken')).status, 201);
    });
  });

  describe('the user directory', () => {
    test('users are searched by the start of their username or display name', async () => {
      const quartermaster = await world.join('quartermaster');
      const quinn = await world.join('quinn');
      await world.join('rowan');
      await quinn.client.patch('/api/v1/me', { displayName: 'Radio Officer Quinn' });
      const byUsername = await quartermaster.client.get('/api/v1/users?q=qu');
      assert.equal(byUsername.status, 200);
      assert.deepEqual(
        byUsername.body.users.map((user: any) => user.username),
        ['quartermaster', 'quinn'],
      );
      const byDisplayName = await quartermaster.client.get('/api/v1/users?q=radio');
      assert.deepEqual(
        byDisplayName.body.users.map((user: any) => user.username),
        ['quinn'],
      );
      const none = await quartermaster.client.get('/api/v1/users?q=zzz');
      assert.deepEqual(none.body.users, []);
      for (const user of byUsername.body.users) assert.equal(user.passwordHash, undefined);
    });

    test('the user list pages by limit and offset, ordered by username', async () => {
      const everyone = (await admin().get('/api/v1/users?limit=200')).body.users.map((user: any) => user.username);
      assert.ok(everyone.length >= 4);
      assert.deepEqual(everyone, [...everyone].sort());
      const first = (await admin().get('/api/v1/users?limit=2&offset=0')).body.users.map((user: any) => user.username);
      const second = (await admin().get('/api/v1/users?limit=2&offset=2')).body.users.map((user: any) => user.username);
      assert.deepEqual([...first, ...second], everyone.slice(0, 4));
    });

    test('one user is looked up by id; an unknown id is 404', async () => {
      const { id } = await world.join('sam');
      const found = await admin().get(`/api/v1/users/${id}`);
      assert.equal(found.status, 200);
      assert.equal(found.body.user.username, 'sam');
      assert.equal(found.body.user.role, 'member');
      assert.equal(found.body.user.active, true);
      assertError(await admin().get('/api/v1/users/00000000-0000-7000-8000-000000000000'), 404, 'user_not_found');
    });

    test('the directory needs a login', async () => {
      assertError(await world.client().get('/api/v1/users'), 401, 'unauthorized');
    });
  });

  describe('deactivation and roles', () => {
    test('a deactivated user is logged out at once, tokens included, and cannot log in', async () => {
      const tess = await world.join('tess');
      const token = await tess.client.post('/api/v1/me/tokens', { name: 'tess bot' });
      const bot = world.client();
      bot.bearer = token.body.token;
      const done = await admin().post(`/api/v1/users/${tess.id}/deactivate`);
      assert.equal(done.status, 200);
      assert.equal(done.body.user.active, false);
      assertError(await tess.client.get('/api/v1/me'), 401, 'unauthorized');
      assertError(await bot.get('/api/v1/me'), 401, 'unauthorized');
      assertError(
        await world.client().post('/api/v1/auth/login', { username: 'tess', password: 'password of tess' }),
        403,
        'user_deactivated',
      );
    });

    test("a deactivated user's posts stay", async () => {
      const ulla = await world.join('ulla');
      const sent = await ulla.client.post(`/api/v1/channels/${world.team.defaultChannelId}/posts`, { message: 'Anchor watch done' });
      assert.equal(sent.status, 201);
      assert.equal((await admin().post(`/api/v1/users/${ulla.id}/deactivate`)).status, 200);
      const post = await admin().get(`/api/v1/posts/${sent.body.post.id}`);
      assert.equal(post.status, 200);
      assert.equal(post.body.post.message, 'Anchor watch done');
    });

    test('a reactivated user logs in again', async () => {
      const vic = await world.join('vic');
      await admin().post(`/api/v1/users/${vic.id}/deactivate`);
      assertError(
        await world.client().post('/api/v1/auth/login', { username: 'vic', password: 'password of vic' }),
        403,
        'user_deactivated',
      );
      const back = await admin().post(`/api/v1/users/${vic.id}/reactivate`);
      assert.equal(back.status, 200);
      assert.equal(back.body.user.active, true);
      const again = await loggedIn(world.hail.url, 'vic', 'password of vic');
      assert.equal((await again.get('/api/v1/me')).body.user.active, true);
      // The old session stays ended: deactivation deleted it.
      assertError(await vic.client.get('/api/v1/me'), 401, 'unauthorized');
    });

    test('an admin cannot deactivate itself', async () => {
      const me = (await admin().get('/api/v1/me')).body.user;
      assertError(await admin().post(`/api/v1/users/${me.id}/deactivate`), 409, 'cannot_deactivate_self');
      assert.equal((await admin().get('/api/v1/me')).body.user.active, true);
    });

    test('only an admin deactivates or reactivates accounts', async () => {
      const walt = await world.join('walt');
      const xena = await world.join('xena');
      assertError(await walt.client.post(`/api/v1/users/${xena.id}/deactivate`), 403, 'admin_only');
      assertError(await walt.client.post(`/api/v1/users/${xena.id}/reactivate`), 403, 'admin_only');
      assert.equal((await xena.client.get('/api/v1/me')).status, 200);
    });

    test('deactivating someone unknown is 404', async () => {
      assertError(await admin().post('/api/v1/users/00000000-0000-7000-8000-000000000000/deactivate'), 404, 'user_not_found');
    });

    test('an admin promotes a member, who can then manage invites, and demotes them again', async () => {
      const yuri = await world.join('yuri');
      assertError(await yuri.client.get('/api/v1/invites'), 403, 'admin_only');
      const promoted = await admin().put(`/api/v1/users/${yuri.id}/role`, { role: 'admin' });
      assert.equal(promoted.status, 200);
      assert.equal(promoted.body.user.role, 'admin');
      assert.equal((await yuri.client.get('/api/v1/invites')).status, 200);
      const demoted = await admin().put(`/api/v1/users/${yuri.id}/role`, { role: 'guest' });
      assert.equal(demoted.body.user.role, 'guest');
      assertError(await yuri.client.get('/api/v1/invites'), 403, 'admin_only');
      assert.equal((await yuri.client.get('/api/v1/me')).body.user.role, 'guest');
    });

    test('only an admin changes roles', async () => {
      const zed = await world.join('zed');
      assertError(await zed.client.put(`/api/v1/users/${zed.id}/role`, { role: 'admin' }), 403, 'admin_only');
      assert.equal((await zed.client.get('/api/v1/me')).body.user.role, 'member');
    });

    test('the last admin cannot demote itself', async () => {
      const everyone = (await admin().get('/api/v1/users?limit=200')).body.users;
      // Earlier tests made and unmade admins; make sure only the first admin is left.
      for (const user of everyone)
        if (user.role === 'admin' && user.username !== 'admin') await admin().put(`/api/v1/users/${user.id}/role`, { role: 'member' });
      const me = (await admin().get('/api/v1/me')).body.user;
      assertError(await admin().put(`/api/v1/users/${me.id}/role`, { role: 'member' }), 409, 'last_admin');
      assert.equal((await admin().get('/api/v1/me')).body.user.role, 'admin');
    });

    test('a role that does not exist is refused', async () => {
      const { id } = await world.join('ahab');
      const refused = await admin().put(`/api/v1/users/${id}/role`, { role: 'captain' });
      assert.equal(refused.status, 400);
      assert.equal((await admin().get(`/api/v1/users/${id}`)).body.user.role, 'member');
    });
  });
});

describe('invite expiry', () => {
  let world: World;
  let later: HailProcess | undefined;
  before(async () => {
    world = await startWorld();
  });
  after(async () => {
    await later?.stop();
    await world.dispose();
  });

  test('an invite that has expired cannot be used, while one without expiry still can', async () => {
    const expiring = await world.admin.post('/api/v1/invites', { teamId: world.team.id, expiresInHours: 1 });
    const lasting = await world.admin.post('/api/v1/invites', { teamId: world.team.id });
    assert.equal(expiring.status, 201);
    assert.equal((await world.client().get(`/api/v1/invites/${expiring.body.token}`)).status, 200);
    await world.stop();
    // Two hours later: the same data directory, a clock two hours on.
    later = await startHail({ dataDir: world.hail.dataDir, env: clockAheadEnv(world.hail.dataDir, 2 * 3600_000) });
    const visitor = new Client(later.url);
    assertError(await visitor.get(`/api/v1/invites/${expiring.body.token}`), 404, 'invite_expired');
    assertError(
      await visitor.post('/api/v1/register', {
        token: expiring.body.token,
        username: 'too-late',
        password: 'password of too-late',
        displayName: 'Too Late',
      }),
      403,
      'invite_expired',
    );
    const onTime = await visitor.post('/api/v1/register', {
      token: lasting.body.token,
      username: 'on-time',
      password: 'password of on-time',
      displayName: 'On Time',
    });
    assert.equal(onTime.status, 201, JSON.stringify(onTime.body));
    const adminLater = new Client(later.url);
    adminLater.cookie = world.admin.cookie;
    const listed = (await adminLater.get('/api/v1/invites')).body.invites.find((row: any) => row.id === expiring.body.invite.id);
    assert.equal(listed.valid, false);
  });
});
