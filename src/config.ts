/**
 * Server settings, from command-line flags, then HAIL_* environment variables, then
 * defaults; validated at start, naming the setting that is wrong.
 */
import { Type, type Static } from '@sinclair/typebox';
import { resolve } from 'node:path';
import { validate } from './core/validate.js';

export const ConfigSchema = Type.Object(
  {
    host: Type.String({ minLength: 1, description: 'Address to listen on.' }),
    port: Type.Integer({ minimum: 0, maximum: 65535, description: 'HTTP port; 0 picks a free one.' }),
    dataDir: Type.String({ minLength: 1, description: 'Directory for the database, the node key and the setup code.' }),
    logLevel: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) => Type.Literal(level))),
    maxBodyBytes: Type.Integer({ minimum: 1024, description: 'Largest accepted JSON request body.' }),
    postsPerSecond: Type.Number({ exclusiveMinimum: 0, description: 'Sustained posts per second per user.' }),
    postBurst: Type.Integer({ minimum: 1, description: 'Posts a user may send at once before the rate applies.' }),
    loginsPerMinute: Type.Integer({ minimum: 1, description: 'Login attempts per minute per address and per username.' }),
  },
  { additionalProperties: false },
);

export type Config = Static<typeof ConfigSchema>;

export const DEFAULTS: Config = {
  host: '0.0.0.0',
  port: 8080,
  dataDir: './data',
  logLevel: 'info',
  maxBodyBytes: 256 * 1024,
  postsPerSecond: 10,
  postBurst: 40,
  loginsPerMinute: 10,
};

const NUMERIC = new Set(['port', 'maxBodyBytes', 'postsPerSecond', 'postBurst', 'loginsPerMinute']);
const envName = (key: string): string => `HAIL_${key.replace(/[A-Z]/g, (letter) => `_${letter}`).toUpperCase()}`;
const flagName = (key: string): string => `--${key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;

export function loadConfig(flags: Record<string, string>, env: NodeJS.ProcessEnv): Config {
  const merged: Record<string, unknown> = { ...DEFAULTS };
  for (const key of Object.keys(DEFAULTS)) {
    const text = flags[flagName(key)] ?? env[envName(key)];
    if (text === undefined) continue;
    merged[key] = NUMERIC.has(key) && text.trim() !== '' && !Number.isNaN(Number(text)) ? Number(text) : text;
  }
  const config = validate(ConfigSchema, merged, 'setting');
  return { ...config, dataDir: resolve(config.dataDir) };
}

/** `--name value` and `--name=value` pairs; anything else is a positional argument. */
export function parseFlags(args: readonly string[]): { flags: Record<string, string>; positional: string[] } {
  const flags: Record<string, string> = {};
  const positional: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    if (!arg.startsWith('--')) positional.push(arg);
    else if (arg.includes('=')) flags[arg.slice(0, arg.indexOf('='))] = arg.slice(arg.indexOf('=') + 1);
    else if (args[index + 1] !== undefined && !args[index + 1]!.startsWith('--')) flags[arg] = args[++index]!;
    else flags[arg] = 'true';
  }
  return { flags, positional };
}
