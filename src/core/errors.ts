/**
 * The one error type a request can end in. `code` is stable and machine-readable (clients
 * branch on it); `message` is a sentence a person can act on. Anything thrown that is not an
 * ApiError is a bug and becomes a 500 with code `internal`.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const badRequest = (code: string, message: string, details?: unknown) => new ApiError(400, code, message, details);
export const unauthorized = (message = 'Log in first.') => new ApiError(401, 'unauthorized', message);
export const forbidden = (code: string, message: string) => new ApiError(403, code, message);
export const notFound = (code: string, message: string) => new ApiError(404, code, message);
export const conflict = (code: string, message: string) => new ApiError(409, code, message);
export const tooManyRequests = (retryAfter: number) =>
  new ApiError(429, 'rate_limited', `Too many requests; try again in ${retryAfter} s.`, { retryAfter });
