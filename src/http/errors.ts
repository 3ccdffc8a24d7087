/** Errors as answers: an ApiError says what went wrong; anything else is logged and answered 500. */
import { ApiError } from '../core/errors.js';
import { sendJson, type Incoming } from './answers.js';
import type { Services } from './services.js';

export const errorBody = (error: ApiError) => ({ error: { code: error.code, message: error.message } });

/** Answers a failed request: its own status for an ApiError (429 with Retry-After), else 500. */
export function fail(incoming: Incoming, services: Services, error: unknown): void {
  if (error instanceof ApiError) {
    const headers: Record<string, string> =
      error.status === 429 ? { 'Retry-After': String((error.details as { retryAfter?: number })?.retryAfter ?? 1) } : {};
    sendJson(incoming, error.status, errorBody(error), headers);
    return;
  }
  services.log.error({ err: error }, 'request failed');
  sendJson(incoming, 500, errorBody(new ApiError(500, 'internal', 'Something went wrong on the server. It has been logged.')));
}
