/**
 * Files: upload (the raw bytes, streamed to the blob store) and download (streamed back, with
 * one Range honoured). A post refers to uploaded bytes by hash (see post-created); the bytes
 * themselves never enter an op.
 */
import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { Reply, StreamReply } from '../answers.js';
import { errorBody } from '../errors.js';
import { defineRoute } from '../route.js';
import { ApiError, badRequest, notFound } from '../../core/errors.js';
import { FileName, FileType, Sha256 } from '../../core/fields.js';
import { readableFileName } from '../../core/permissions.js';
import { isBlobHash } from '../../files/blob-store.js';
import { downloadHeaders, SIGNATURE_BYTES } from '../../files/download-headers.js';
import { recordUpload } from '../../store/uploads.js';
import { parseRange } from '../range.js';

const fileTooLarge = (limit: number) =>
  new ApiError(
    413,
    'file_too_large',
    `The file is larger than this server accepts (${Math.floor(limit / (1024 * 1024))} MiB); send a smaller one or split it.`,
  );

/** The upload's Content-Type without parameters, as a post's file records it; anything unusable is a plain byte stream. */
function mediaType(contentType: string): string {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return Value.Check(FileType, type) ? type : 'application/octet-stream';
}

export default [
  defineRoute({
    method: 'post',
    path: '/api/v1/files',
    summary:
      'Upload a file: its bytes as the body (not JSON), its name in `name`. Answers `{hash, size, name, type}` with 201, or 200 when you had uploaded the same bytes before; attach it to a post with those fields. With `sha256`, bytes that do not match are refused (400 `hash_mismatch`). Empty files are refused (400 `empty_file`), files over the size limit get 413 `file_too_large`, and 507 `insufficient_storage` says the disk is too full for files (text still works).',
    access: 'user',
    query: Type.Object({ name: FileName, sha256: Type.Optional(Sha256) }, { additionalProperties: false }),
    rawBody: "The file's bytes; its `Content-Type` header becomes the file's `type`.",
    async handle({ services, user, query, headers, rawBody }) {
      const limit = services.config.maxFileBytes;
      if (headers.contentLength > limit) throw fileTooLarge(limit);
      // A body of unknown length (chunked) may be as large as the limit.
      services.disk.requireUploadRoom(headers.contentLength || limit);
      const blob = await services.blobs.create();
      try {
        for await (const chunk of rawBody) {
          if (blob.size + chunk.byteLength > limit) throw fileTooLarge(limit);
          await blob.write(chunk);
        }
        if (blob.size === 0) throw badRequest('empty_file', 'The file is empty; choose a file with something in it.');
        if (query.sha256 !== undefined && blob.hash() !== query.sha256) {
          throw badRequest(
            'hash_mismatch',
            'The bytes that arrived do not match the sha256 given; the file was damaged on the way, send it again.',
          );
        }
        await blob.keep();
      } finally {
        await blob.discard();
      }
      services.disk.forget();
      const added = recordUpload(services.db, blob.hash(), user.id, blob.size, services.now());
      return new Reply(added ? 201 : 200, { hash: blob.hash(), size: blob.size, name: query.name, type: mediaType(headers.contentType) });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/files/:hash',
    summary:
      "Download a file, or an image's thumbnail by its own hash: one you uploaded, or one a post you can read carries (404 otherwise, whether or not it exists). Bytes damaged on the server's disk are never sent (500 `file_damaged`; uploading the same file again repairs it). One `Range` is honoured (206; 416 when it starts past the end). PNG, JPEG, GIF and WebP images are shown inline; everything else is an `application/octet-stream` attachment.",
    access: 'user',
    async handle({ services, user, params, headers }) {
      const hash = params.hash!;
      const name = isBlobHash(hash) ? readableFileName(services.db, user, hash) : undefined;
      if (name === undefined) throw notFound('file_not_found', 'No such file, or you cannot read it.');
      const size = await services.blobs.size(hash);
      if (size === undefined) throw notFound('file_not_here', 'This file has not reached this server yet; it arrives with the next sync.');
      if (!(await services.blobs.intact(hash))) {
        services.log.error({ hash, file: services.blobs.path(hash) }, 'a file no longer matches its hash on disk, so it is not served');
        throw new ApiError(
          500,
          'file_damaged',
          "This file was damaged on the server's disk, so it is not sent; ask whoever shared it to upload it again.",
        );
      }
      const fileHeaders = { ...downloadHeaders(name, await services.blobs.head(hash, SIGNATURE_BYTES)), ETag: `"${hash}"` };
      const range = parseRange(headers.range, size);
      if (range === 'unsatisfiable') {
        const error = new ApiError(416, 'range_not_satisfiable', `The file has ${size} bytes; ask for a range that starts inside it.`);
        return new Reply(416, errorBody(error), { 'Content-Range': `bytes */${size}` });
      }
      if (range === 'whole') return new StreamReply(200, fileHeaders, services.blobs.read(hash), size);
      const { start, end } = range;
      return new StreamReply(
        206,
        { ...fileHeaders, 'Content-Range': `bytes ${start}-${end}/${size}` },
        services.blobs.read(hash, start, end),
        end - start + 1,
      );
    },
  }),
];
