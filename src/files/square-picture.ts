/**
 * A profile picture from an uploaded photo: decoded (JPEG or PNG), turned upright by its EXIF
 * orientation (phones store photos sideways and say so there), cropped to the centred square,
 * resized with pica's Lanczos filter (a sharp downscale, not the aliasing of a bilinear one) and
 * re-encoded as JPEG at each size asked for. Pure JavaScript and WebAssembly, so the same code
 * runs on arm64 and amd64 with nothing to download; picture-worker.ts runs it off the event loop.
 *
 * The limits stop a small file that decodes to a huge bitmap (a decompression bomb): a
 * picture larger than MAX_PIXELS is refused before its pixels are decoded.
 */
import jpeg from 'jpeg-js';
import * as picaModule from 'pica';
import type { Pica, PicaOptions } from 'pica';
import { PNG } from 'pngjs';

/**
 * 24 megapixels: a phone's usual photo (12 MP) and a camera's, not a 48 MP "high resolution"
 * one; decoding holds about 7 bytes a pixel (jpeg-js's planes and the RGBA result), 170 MB here.
 */
export const MAX_PIXELS = 24_000_000;

export class PictureError extends Error {
  constructor(
    readonly code: 'not_an_image' | 'picture_too_large',
    message: string,
  ) {
    super(message);
  }
}

interface Bitmap {
  readonly width: number;
  readonly height: number;
  /** RGBA, four bytes a pixel. */
  readonly data: Uint8Array;
}

const isPng = (bytes: Uint8Array) =>
  Buffer.from(bytes.subarray(0, 8)).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
const isJpeg = (bytes: Uint8Array) => bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;

const tooLarge = () =>
  new PictureError('picture_too_large', `The picture has more than ${MAX_PIXELS / 1_000_000} megapixels; choose a smaller one.`);
const notAnImage = () => new PictureError('not_an_image', 'That is not a JPEG or PNG picture; choose a photo or a PNG image.');

/**
 * The EXIF orientation (1-8; 1 is upright) from a JPEG's APP1 segment as jpeg-js hands it
 * over (from the TIFF header on): IFD0's tag 0x0112, in the byte order the header names.
 */
function exifOrientation(exif: Uint8Array | undefined): number {
  if (!exif || exif.length < 14) return 1;
  const view = new DataView(exif.buffer, exif.byteOffset, exif.byteLength);
  const start = exif[0] === 0x00 ? 1 : 0; // jpeg-js keeps the second NUL of "Exif\0\0"
  const little = view.getUint16(start) === 0x4949;
  const ifd = start + view.getUint32(start + 4, little);
  if (ifd + 2 > exif.length) return 1;
  const entries = view.getUint16(ifd, little);
  for (let index = 0; index < entries; index++) {
    const entry = ifd + 2 + index * 12;
    if (entry + 12 > exif.length) return 1;
    if (view.getUint16(entry, little) === 0x0112) {
      const orientation = view.getUint16(entry + 8, little);
      return orientation >= 1 && orientation <= 8 ? orientation : 1;
    }
  }
  return 1;
}

function decode(bytes: Uint8Array): { bitmap: Bitmap; orientation: number } {
  if (isJpeg(bytes)) {
    let decoded: Bitmap & { exifBuffer?: Uint8Array };
    try {
      decoded = jpeg.decode(bytes, {
        useTArray: true,
        formatAsRGBA: true,
        maxResolutionInMP: MAX_PIXELS / 1_000_000,
        maxMemoryUsageInMB: 200,
      });
    } catch (error) {
      if (error instanceof Error && /maxResolutionInMP|maxMemoryUsageInMB/.test(error.message)) throw tooLarge();
      throw notAnImage();
    }
    return { bitmap: decoded, orientation: exifOrientation(decoded.exifBuffer) };
  }
  if (isPng(bytes)) {
    // IHDR is always the first chunk: width and height at bytes 16 and 20.
    if (bytes.length < 24) throw notAnImage();
    const header = new DataView(bytes.buffer, bytes.byteOffset, 24);
    if (header.getUint32(16) * header.getUint32(20) > MAX_PIXELS) throw tooLarge();
    try {
      return { bitmap: PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)), orientation: 1 };
    } catch {
      throw notAnImage();
    }
  }
  throw notAnImage();
}

/**
 * The centred square of the upright picture, composited on white (JPEG has no transparency).
 * Orientations 5-8 swap width and height; each maps an upright pixel back to the stored one.
 */
function uprightSquare({ width, height, data }: Bitmap, orientation: number): Bitmap {
  const swapped = orientation >= 5;
  const uprightWidth = swapped ? height : width;
  const uprightHeight = swapped ? width : height;
  const side = Math.min(uprightWidth, uprightHeight);
  const left = Math.floor((uprightWidth - side) / 2);
  const top = Math.floor((uprightHeight - side) / 2);
  const square = new Uint8Array(side * side * 4);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const ux = x + left;
      const uy = y + top;
      const [sx, sy] = storedPixel(orientation, ux, uy, width, height);
      const from = (sy * width + sx) * 4;
      const to = (y * side + x) * 4;
      const alpha = data[from + 3]! / 255;
      for (let channel = 0; channel < 3; channel++) square[to + channel] = Math.round(data[from + channel]! * alpha + 255 * (1 - alpha));
      square[to + 3] = 255;
    }
  }
  return { width: side, height: side, data: square };
}

/** Where the upright pixel (x, y) is stored, for each EXIF orientation (stored size width × height). */
function storedPixel(orientation: number, x: number, y: number, width: number, height: number): [number, number] {
  switch (orientation) {
    case 2:
      return [width - 1 - x, y];
    case 3:
      return [width - 1 - x, height - 1 - y];
    case 4:
      return [x, height - 1 - y];
    case 5:
      return [y, x];
    case 6:
      return [y, height - 1 - x];
    case 7:
      return [width - 1 - y, height - 1 - x];
    case 8:
      return [width - 1 - y, x];
    default:
      return [x, y];
  }
}

// pica's type declarations are an ES module's, read by TypeScript as CommonJS; at run time Node loads its ES build.
const createPica = (picaModule as unknown as { default: (options: PicaOptions) => Pica }).default;
const resizer = createPica({ features: ['js', 'wasm'] });

/** The picture at each of `sizes` (square, in pixels), as JPEG bytes; a picture smaller than a size is not enlarged. */
export async function squarePictures(bytes: Uint8Array, sizes: readonly number[]): Promise<Buffer[]> {
  const { bitmap, orientation } = decode(bytes);
  if (bitmap.width === 0 || bitmap.height === 0) throw notAnImage();
  const square = uprightSquare(bitmap, orientation);
  return Promise.all(
    sizes.map(async (size) => {
      const side = Math.min(size, square.width);
      const data =
        side === square.width
          ? square.data
          : await resizer.resizeBuffer({ src: square.data, width: square.width, height: square.height, toWidth: side, toHeight: side });
      return jpeg.encode({ data, width: side, height: side }, 85).data;
    }),
  );
}
