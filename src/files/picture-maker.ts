/**
 * Runs ./picture-worker.ts for each upload: a fresh worker thread each time (pictures change
 * rarely; a worker that lives on would hold its memory for nothing on a 512 MB box), and one
 * picture at a time, so that two uploads together never hold two decoded photos (up to about
 * 200 MB each) at once.
 *
 * The worker is dist/picture-worker.js beside the package's package.json, found by walking up
 * from this module: the server bundle and the test bundles live at different depths.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { PictureError } from './square-picture.js';

function workerPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('picture-worker.js not found: no package.json above this module');
    dir = parent;
  }
  return join(dir, 'dist', 'picture-worker.js');
}

type Answer = { pictures: Uint8Array[] } | { refused: { code: PictureError['code']; message: string } } | { failed: string };

export class PictureMaker {
  private previous: Promise<unknown> = Promise.resolve();

  /** The uploaded picture as square JPEGs of each size; a PictureError for bytes that are not a usable picture. */
  make(bytes: Uint8Array, sizes: readonly number[]): Promise<Buffer[]> {
    const made = this.previous.then(() => inWorker(bytes, sizes));
    this.previous = made.catch(() => undefined);
    return made;
  }
}

function inWorker(bytes: Uint8Array, sizes: readonly number[]): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerPath(), { workerData: { bytes, sizes } });
    worker.once('message', (answer: Answer) => {
      void worker.terminate();
      if ('pictures' in answer)
        resolve(answer.pictures.map((picture) => Buffer.from(picture.buffer, picture.byteOffset, picture.byteLength)));
      else if ('refused' in answer) reject(new PictureError(answer.refused.code, answer.refused.message));
      else reject(new Error(`the picture worker failed: ${answer.failed}`));
    });
    worker.once('error', reject);
  });
}
