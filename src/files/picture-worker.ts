/**
 * The worker thread that makes profile pictures (./square-picture.ts). Decoding a 12-megapixel
 * photo takes a second and a half here and many times that on a Pi, so it never runs on the
 * event loop that serves the chat. Built as its own entry, dist/picture-worker.js.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PictureError, squarePictures } from './square-picture.js';

const { bytes, sizes } = workerData as { bytes: Uint8Array; sizes: number[] };
squarePictures(bytes, sizes).then(
  (pictures) => parentPort!.postMessage({ pictures }),
  (error: unknown) =>
    parentPort!.postMessage(
      error instanceof PictureError ? { refused: { code: error.code, message: error.message } } : { failed: String(error) },
    ),
);
