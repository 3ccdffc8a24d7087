/**
 * Image attachments: their size and a small JPEG thumbnail, drawn in the browser on a canvas,
 * so a phone on a slow boat link loads a few kilobytes instead of the photo.
 */
const THUMBNAIL_EDGE = 320;

export interface ImageFacts {
  readonly width: number;
  readonly height: number;
  readonly thumbnail: Blob;
}

export async function describeImage(file: Blob): Promise<ImageFacts | undefined> {
  if (!file.type.startsWith('image/')) return undefined;
  const url = URL.createObjectURL(file);
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const { naturalWidth: width, naturalHeight: height } = image;
    const scale = Math.min(1, THUMBNAIL_EDGE / Math.max(width, height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(width * scale));
    canvas.height = Math.max(1, Math.round(height * scale));
    canvas.getContext('2d')!.drawImage(image, 0, 0, canvas.width, canvas.height);
    const thumbnail = await new Promise<Blob | null>((done) => canvas.toBlob(done, 'image/jpeg', 0.8));
    return thumbnail ? { width, height, thumbnail } : undefined;
  } catch {
    return undefined; // not an image the browser can decode: attach it as a plain file
  } finally {
    URL.revokeObjectURL(url);
  }
}
