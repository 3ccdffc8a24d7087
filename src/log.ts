/** Structured logs (pino) to stdout, one JSON object per line. Secrets are redacted by path. */
import { pino, type Logger } from 'pino';

export type Log = Logger;

export const createLog = (level: string): Log =>
  pino({
    level,
    base: undefined,
    redact: {
      paths: [
        'password',
        '*.password',
        'token',
        '*.token',
        'cookie',
        '*.cookie',
        'authorization',
        '*.authorization',
        'passwordHash',
        '*.passwordHash',
      ],
      censor: '[redacted]',
    },
  });
