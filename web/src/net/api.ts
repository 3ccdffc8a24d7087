/**
 * The one place that talks HTTP to the box. Every failure becomes one of two errors: an
 * ApiError (the server answered no, with its machine code) or an Unreachable (no answer at all:
 * offline, the box is down), because the app treats those very differently: the first is shown,
 * the second switches to what IndexedDB holds and lets the outbox retry.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

export class Unreachable extends Error {}

/** Retrying may succeed: the box is away, overloaded or rate limiting. */
export const isTransient = (error: unknown): boolean =>
  error instanceof Unreachable || (error instanceof ApiError && (error.status === 429 || error.status >= 500));

async function call<T>(
  method: string,
  path: string,
  init: { json?: unknown; body?: Blob; contentType?: string; keepalive?: boolean } = {},
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method,
      credentials: 'same-origin',
      headers:
        init.json !== undefined ? { 'content-type': 'application/json' } : init.contentType ? { 'content-type': init.contentType } : {},
      body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
      keepalive: init.keepalive ?? false,
    });
  } catch {
    throw new Unreachable('unreachable');
  }
  const text = await response.text().catch(() => '');
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
    // A proxy's or captive portal's error page is as good as no answer.
    if (!error)
      throw response.status >= 500
        ? new Unreachable(`status ${response.status}`)
        : new ApiError(response.status, 'unknown', text.slice(0, 200));
    const retry = Number(response.headers.get('retry-after'));
    throw new ApiError(response.status, error.code ?? 'unknown', error.message ?? '', Number.isFinite(retry) ? retry : undefined);
  }
  return parsed as T;
}

export const api = {
  get: <T>(path: string) => call<T>('GET', path),
  post: <T>(path: string, json: unknown = {}, options: { keepalive?: boolean } = {}) => call<T>('POST', path, { json, ...options }),
  put: <T>(path: string, json?: unknown) => call<T>('PUT', path, json === undefined ? {} : { json }),
  patch: <T>(path: string, json: unknown) => call<T>('PATCH', path, { json }),
  delete: <T>(path: string) => call<T>('DELETE', path),
  upload: <T>(path: string, body: Blob) => call<T>('POST', path, { body, contentType: body.type || 'application/octet-stream' }),
  putBytes: <T>(path: string, body: Blob) => call<T>('PUT', path, { body, contentType: body.type || 'application/octet-stream' }),
};

export const fileUrl = (hash: string) => `/api/v1/files/${hash}`;
export const pictureUrl = (userId: string, hash: string) => `/api/v1/users/${userId}/picture/${hash}`;
