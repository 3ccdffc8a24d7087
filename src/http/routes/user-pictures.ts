/**
 * Profile pictures. The box makes them: an uploaded photo is decoded, turned upright, cropped
 * to a square and resized to two sizes (files/square-picture.ts, in a worker thread), and the
 * results are stored as files are, by the hash of their bytes. Which picture a user has is
 * replicated state, a `user.picture-set` op; a picture is served to whoever may see its user.
 */
import { StreamReply } from '../answers.js';
import { defineRoute, type RequestContext } from '../route.js';
import { ApiError, badRequest, notFound } from '../../core/errors.js';
import { findUser, requireSelfOrAdmin } from '../../core/permissions.js';
import { MAX_PIXELS, PictureError } from '../../files/square-picture.js';
import { canSeeUser, presentUser } from '../../store/read/users.js';
import { recordUpload } from '../../store/uploads.js';

/** The sizes made, in pixels: `large` for the profile, `small` beside posts and names (64 covers 32 CSS px at 2×). */
export const PICTURE_SIZES = { large: 256, small: 64 } as const;
/** A phone photo fits; more is not a profile picture. */
export const MAX_PICTURE_UPLOAD = 12 * 1024 * 1024;

const pictureTooLarge = () =>
  new ApiError(413, 'picture_too_large', `The picture is larger than ${MAX_PICTURE_UPLOAD / (1024 * 1024)} MiB; choose a smaller one.`);

async function receive({ services, headers, rawBody }: RequestContext<unknown, unknown>): Promise<Buffer> {
  if (headers.contentLength > MAX_PICTURE_UPLOAD) throw pictureTooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of rawBody) {
    size += chunk.byteLength;
    if (size > MAX_PICTURE_UPLOAD) throw pictureTooLarge();
    chunks.push(Buffer.from(chunk));
  }
  if (size === 0) throw badRequest('empty_file', 'The picture is empty; choose a photo or a PNG image.');
  services.disk.requireUploadRoom(size);
  return Buffer.concat(chunks, size);
}

async function store({ services, user }: RequestContext<unknown, unknown>, bytes: Buffer): Promise<string> {
  const blob = await services.blobs.create();
  try {
    await blob.write(bytes);
    await blob.keep();
  } finally {
    await blob.discard();
  }
  recordUpload(services.db, blob.hash(), user.id, blob.size, services.now());
  return blob.hash();
}

async function setPicture(context: RequestContext<unknown, unknown>, picture: { large: string; small: string } | null) {
  const { services, user, params } = context;
  await services.committer.commit({ author: user.id, ops: [{ type: 'user.picture-set', entity: params.id!, body: { picture } }] });
  return { user: presentUser(findUser(services.db, params.id!)!) };
}

const userOr404 = (context: RequestContext<unknown, unknown>) => {
  const found = findUser(context.services.db, context.params.id!);
  if (!found || !canSeeUser(context.services.db, context.user, found.id)) throw notFound('user_not_found', 'No such user.');
  return found;
};

export default [
  defineRoute({
    method: 'put',
    path: '/api/v1/users/:id/picture',
    summary: `Set a profile picture (the user itself, or an admin): a JPEG or PNG photo as the body (not JSON), at most ${MAX_PICTURE_UPLOAD / (1024 * 1024)} MiB and ${MAX_PIXELS / 1_000_000} megapixels. The box turns it upright by its EXIF orientation, crops the centred square and makes ${PICTURE_SIZES.large} and ${PICTURE_SIZES.small} px JPEGs; answers \`{user}\` with \`picture: {large, small}\` (their hashes). Anything else gets 400 \`not_an_image\`; too large, 413 \`picture_too_large\`.`,
    access: 'user',
    rawBody: "The picture's bytes (JPEG or PNG; the `Content-Type` header is not trusted).",
    async handle(context) {
      userOr404(context);
      // Checked again by the op; first here, so a refused upload is neither decoded nor stored.
      requireSelfOrAdmin(context.services.db, context.user, context.params.id!);
      const bytes = await receive(context);
      let pictures: Buffer[];
      try {
        pictures = await context.services.pictures.make(bytes, [PICTURE_SIZES.large, PICTURE_SIZES.small]);
      } catch (error) {
        if (error instanceof PictureError) {
          throw error.code === 'not_an_image' ? badRequest(error.code, error.message) : new ApiError(413, error.code, error.message);
        }
        throw error;
      }
      const large = await store(context, pictures[0]!);
      const small = await store(context, pictures[1]!);
      return setPicture(context, { large, small });
    },
  }),
  defineRoute({
    method: 'del',
    path: '/api/v1/users/:id/picture',
    summary: 'Remove a profile picture (the user itself, or an admin); the user is shown by initials again. Answers `{user}`.',
    access: 'user',
    handle(context) {
      userOr404(context);
      return setPicture(context, null);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/users/:id/picture/:hash',
    summary:
      "A user's profile picture, by the hash a user's `picture` names (`large` or `small`); 404 for a user you cannot see (guests see only people who share a channel with them) or a hash that is not the user's picture. Cached for good: a new picture has a new hash.",
    access: 'user',
    async handle(context) {
      const { services, params } = context;
      const owner = userOr404(context);
      const hash = params.hash!;
      if (hash !== owner.picture_large && hash !== owner.picture_small)
        throw notFound('picture_not_found', 'This user has no such picture.');
      const size = await services.blobs.size(hash);
      if (size === undefined)
        throw notFound('file_not_here', 'This picture has not reached this server yet; it arrives with the next sync.');
      const headers = {
        'Content-Type': 'image/jpeg',
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'private, max-age=31536000, immutable',
        ETag: `"${hash}"`,
      };
      return new StreamReply(200, headers, services.blobs.read(hash), size);
    },
  }),
];
