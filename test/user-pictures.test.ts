/**
 * Profile pictures over real HTTP: the box decodes, turns upright, crops and resizes an upload
 * itself, refuses what is not a usable picture with a code, and shows a picture only to those
 * who may see its user.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import type { Client, ApiResponse } from './helpers/server.js';
import { startWorld, type World } from './helpers/world.js';

const RED = [220, 30, 30];
const BLUE = [30, 30, 220];

/** A stored 600×400 JPEG, left half red and right half blue, whose EXIF says "rotate 90° clockwise to show". */
function sidewaysPhoto(): Buffer {
  const width = 600;
  const height = 400;
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const colour = x < width / 2 ? RED : BLUE;
      data.set([...colour, 255], (y * width + x) * 4);
    }
  }
  const encoded = jpeg.encode({ data, width, height }, 90).data;
  const tiff = Buffer.from([0x4d, 0x4d, 0, 0x2a, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0]);
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, (payload.length + 2) >> 8, (payload.length + 2) & 0xff]), payload]);
  return Buffer.concat([encoded.subarray(0, 2), app1, encoded.subarray(2)]);
}

function transparentPng(width: number, height: number): Buffer {
  const png = new PNG({ width, height });
  png.data.fill(0);
  return PNG.sync.write(png);
}

async function putPicture(client: Client, userId: string, bytes: Buffer): Promise<ApiResponse> {
  const response = await fetch(`${client.baseUrl}/api/v1/users/${userId}/picture`, {
    method: 'PUT',
    headers: { 'content-type': 'image/jpeg', cookie: client.cookie },
    body: bytes,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

async function getPicture(client: Client, userId: string, hash: string): Promise<{ status: number; bytes: Buffer; type: string | null }> {
  const response = await fetch(`${client.baseUrl}/api/v1/users/${userId}/picture/${hash}`, { headers: { cookie: client.cookie } });
  return { status: response.status, bytes: Buffer.from(await response.arrayBuffer()), type: response.headers.get('content-type') };
}

const pixel = (image: { width: number; data: Uint8Array }, x: number, y: number) => [
  ...image.data.subarray((y * image.width + x) * 4, (y * image.width + x) * 4 + 3),
];
const near = (actual: number[], expected: number[]) => actual.every((value, index) => Math.abs(value - expected[index]!) < 40);

describe('profile pictures', () => {
  let world: World;
  let alice: { client: Client; id: string };
  let bob: { client: Client; id: string };
  let gus: { client: Client; id: string };

  before(async () => {
    world = await startWorld();
    alice = await world.join('alice');
    bob = await world.join('bob');
    gus = await world.join('gus', 'guest');
    const deck = await alice.client.post('/api/v1/channels', { teamId: world.team.id, type: 'public', name: 'deck', displayName: 'Deck' });
    assert.equal((await alice.client.post(`/api/v1/channels/${deck.body.channel.id}/members`, { userId: gus.id })).status, 204);
  });

  after(async () => {
    await world?.dispose();
  });

  test('an uploaded photo is turned upright, cropped square and resized to 256 and 64 px on the box', async () => {
    const answer = await putPicture(alice.client, alice.id, sidewaysPhoto());
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const { large, small } = answer.body.user.picture;
    for (const [hash, side] of [
      [large, 256],
      [small, 64],
    ] as const) {
      const served = await getPicture(bob.client, alice.id, hash);
      assert.equal(served.status, 200);
      assert.equal(served.type, 'image/jpeg');
      const image = jpeg.decode(served.bytes, { useTArray: true });
      assert.deepEqual([image.width, image.height], [side, side]);
      // Upright, the red half is on top: the EXIF orientation was applied.
      assert.ok(near(pixel(image, side / 8, side / 8), RED), `top is ${pixel(image, side / 8, side / 8)}`);
      assert.ok(near(pixel(image, side / 8, side - side / 8), BLUE), `bottom is ${pixel(image, side / 8, side - side / 8)}`);
    }
    assert.deepEqual((await bob.client.get(`/api/v1/users/${alice.id}`)).body.user.picture, { large, small });
  });

  test('a PNG with transparency becomes a picture on white', async () => {
    const answer = await putPicture(bob.client, bob.id, transparentPng(100, 80));
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const image = jpeg.decode((await getPicture(bob.client, bob.id, answer.body.user.picture.small)).bytes, { useTArray: true });
    assert.deepEqual([image.width, image.height], [64, 64]);
    assert.ok(near(pixel(image, 32, 32), [255, 255, 255]));
  });

  test('what is not a usable picture is refused with a code, and the old picture stays', async () => {
    const before = (await alice.client.get(`/api/v1/users/${alice.id}`)).body.user.picture;
    const refusals: [Buffer, number, string][] = [
      [Buffer.from('just some text, not a picture'), 400, 'not_an_image'],
      [sidewaysPhoto().subarray(0, 300), 400, 'not_an_image'],
      [Buffer.alloc(0), 400, 'empty_file'],
      [Buffer.alloc(13 * 1024 * 1024, 1), 413, 'picture_too_large'],
    ];
    // A tiny PNG whose header claims 100,000 × 100,000 pixels: refused before its pixels are decoded.
    const bomb = transparentPng(1, 1);
    bomb.writeUInt32BE(100_000, 16);
    bomb.writeUInt32BE(100_000, 20);
    refusals.push([bomb, 413, 'picture_too_large']);
    for (const [bytes, status, code] of refusals) {
      const answer = await putPicture(alice.client, alice.id, bytes);
      assert.equal(answer.status, status, `${code}: ${JSON.stringify(answer.body)}`);
      assert.equal(answer.body.error.code, code);
    }
    assert.deepEqual((await alice.client.get(`/api/v1/users/${alice.id}`)).body.user.picture, before);
  });

  test('pictures uploaded at the same time are all made (one after the other)', async () => {
    const answers = await Promise.all([
      putPicture(alice.client, alice.id, sidewaysPhoto()),
      putPicture(bob.client, bob.id, transparentPng(300, 300)),
      putPicture(world.admin, alice.id, transparentPng(120, 90)),
    ]);
    assert.deepEqual(
      answers.map((answer) => answer.status),
      [200, 200, 200],
    );
  });

  test("a member cannot set another's picture", async () => {
    const answer = await putPicture(bob.client, alice.id, transparentPng(10, 10));
    assert.equal(answer.status, 403);
    assert.equal(answer.body.error.code, 'not_allowed');
  });

  test('a guest sees the pictures of people it shares a channel with, and no others', async () => {
    const alicePicture = (await gus.client.get(`/api/v1/users/${alice.id}`)).body.user.picture;
    assert.equal((await getPicture(gus.client, alice.id, alicePicture.small)).status, 200);
    const bobPicture = (await alice.client.get(`/api/v1/users/${bob.id}`)).body.user.picture;
    assert.equal((await getPicture(alice.client, bob.id, bobPicture.small)).status, 200);
    const hidden = await getPicture(gus.client, bob.id, bobPicture.small);
    assert.equal(hidden.status, 404);
    assert.equal(JSON.parse(hidden.bytes.toString()).error.code, 'user_not_found');
  });

  test('a removed picture is no longer served, and the user has none', async () => {
    const { small } = (await bob.client.get(`/api/v1/users/${bob.id}`)).body.user.picture;
    const removed = await bob.client.delete(`/api/v1/users/${bob.id}/picture`);
    assert.equal(removed.status, 200);
    assert.equal(removed.body.user.picture, null);
    assert.equal((await getPicture(alice.client, bob.id, small)).status, 404);
  });
});
