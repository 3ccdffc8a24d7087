/**
 * Server settings. Each comes from, in order of precedence: a command-line flag
 * (`--data-dir`), a HAIL_* environment variable (`HAIL_DATA_DIR`), the configuration file
 * named by `--config` or HAIL_CONFIG (TOML, `data_dir = ...`), or the default. Every value is
 * checked against the schema at start, and a wrong one stops the server with one line that
 * names the key as it was written where it came from, what is wrong, and what was given.
 *
 * Relative paths in the file are relative to the file, so `/etc/hail/hail.toml` means the
 * same wherever the service starts; relative paths in flags and variables are relative to
 * the working directory, as in any shell.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseToml, TomlError } from 'smol-toml';
import { StartupError } from './startup-error.js';

export const ConfigSchema = Type.Object(
  {
    host: Type.String({ minLength: 1, description: 'Address to listen on.' }),
    port: Type.Integer({ minimum: 0, maximum: 65535, description: 'HTTP port; 0 picks a free one.' }),
    dataDir: Type.String({ minLength: 1, description: 'Directory for the database, the node key and the setup code.' }),
    logLevel: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) => Type.Literal(level))),
    maxBodyBytes: Type.Integer({ minimum: 1024, description: 'Largest accepted JSON request body.' }),
    postsPerSecond: Type.Number({ exclusiveMinimum: 0, description: 'Sustained posts per second per user.' }),
    postBurst: Type.Integer({ minimum: 1, description: 'Posts a user may send at once before the rate applies.' }),
    loginsPerMinute: Type.Integer({
      minimum: 1,
      description: 'Login attempts per minute per address; failed logins per minute per username before its failures are answered slowly.',
    }),
    socketsPerUser: Type.Integer({
      minimum: 1,
      description: 'WebSocket connections one account may hold at once; the next is closed with 4003.',
    }),
    socketsPerAddress: Type.Integer({
      minimum: 1,
      description: 'WebSocket connections from one network address at once; the next is closed with 4003.',
    }),
    socketFramesPerSecond: Type.Number({
      exclusiveMinimum: 0,
      description: "Frames per second a WebSocket may send (bursts of five seconds' worth); past it the socket is closed with 1008.",
    }),
    maxFileBytes: Type.Integer({ minimum: 1, description: 'Largest accepted file upload.' }),
    uploadFloorBytes: Type.Integer({ minimum: 0, description: 'Free disk space below which uploads are refused.' }),
    writeFloorBytes: Type.Integer({
      minimum: 0,
      description: 'Free disk space, kept for the database, below which every write is refused.',
    }),
    tlsCert: Type.Optional(Type.String({ minLength: 1, description: 'PEM certificate (chain) for HTTPS; set together with tlsKey.' })),
    tlsKey: Type.Optional(Type.String({ minLength: 1, description: 'PEM private key of tlsCert.' })),
    httpsPort: Type.Integer({
      minimum: 0,
      maximum: 65535,
      description: 'HTTPS port, served when the box has a certificate; 0 picks a free one.',
    }),
    // A DNS-SD instance name is at most 63 bytes: "Hail on " and a " (12)" suffix must fit around it.
    boxName: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 48,
        pattern: '^[^\\x00-\\x1f.]+$',
        description: "The name people see on the network and the join page, such as the boat's name; the host name when unset. No dots.",
      }),
    ),
    mdns: Type.Boolean({ description: 'Announce the box and look for other boxes and Signal K servers on the local network (mDNS).' }),
    mdnsInterface: Type.Optional(
      Type.String({ minLength: 1, description: 'The network interface mDNS uses, such as wlan0; all of them when unset.' }),
    ),
    sync: Type.Boolean({
      description: 'Sync with paired boxes over mutual TLS on sync_port; with no paired box and no open invitation nothing is accepted.',
    }),
    syncPort: Type.Integer({ minimum: 0, maximum: 65535, description: 'Port for sync between boxes; 0 picks a free one.' }),
    readMarkSettleMs: Type.Integer({
      minimum: 0,
      description: 'How long a read position must stay put before it is written to the log and synced (milliseconds).',
    }),
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
  // A person with a phone, a laptop and a few tabs; a boat's crew behind one shore NAT.
  socketsPerUser: 32,
  socketsPerAddress: 256,
  // The web client sends a resume per connection, a clock report, and typing at most once a second.
  socketFramesPerSecond: 20,
  maxFileBytes: 50 * 1024 * 1024,
  // Uploads stop long before the database could run out: text keeps working for weeks after.
  uploadFloorBytes: 1024 * 1024 * 1024,
  writeFloorBytes: 64 * 1024 * 1024,
  httpsPort: 8443,
  mdns: true,
  sync: true,
  syncPort: 8444,
  // A reader's position moves every few seconds while reading; five minutes still gets it ashore well before they are.
  readMarkSettleMs: 5 * 60_000,
};

type Key = keyof Config & string;

const KEYS = Object.keys(ConfigSchema.properties) as Key[];
const PATH_KEYS: ReadonlySet<string> = new Set(['dataDir', 'tlsCert', 'tlsKey']);

export const envName = (key: string): string => `HAIL_${key.replace(/[A-Z]/g, (letter) => `_${letter}`).toUpperCase()}`;
export const flagName = (key: string): string => `--${key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
export const fileKey = (key: string): string => key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/** `--config` and one flag per setting: anything else on a command line is a typo. */
export const SETTING_FLAGS: ReadonlySet<string> = new Set(['--config', ...KEYS.map(flagName)]);

/** Where a setting's value came from, as the operator would write it. */
export type SettingSource = { readonly kind: 'flag' | 'env' | 'file' | 'default'; readonly name: string };

export interface LoadedConfig {
  readonly config: Config;
  /** The configuration file read, if any. */
  readonly file: string | undefined;
  readonly sources: Readonly<Record<Key, SettingSource>>;
}

export const loadConfig = (flags: Record<string, string>, env: NodeJS.ProcessEnv): Config => loadConfigWithSources(flags, env).config;

export function loadConfigWithSources(flags: Record<string, string>, env: NodeJS.ProcessEnv): LoadedConfig {
  const file = flags['--config'] ?? env.HAIL_CONFIG;
  const fromFile = file === undefined ? {} : readConfigFile(file);
  const merged: Record<string, unknown> = {};
  const sources = {} as Record<Key, SettingSource>;
  for (const key of KEYS) {
    const schema = ConfigSchema.properties[key] as TSchema;
    const flag = flags[flagName(key)];
    const variable = env[envName(key)];
    if (flag !== undefined) {
      merged[key] = fromText(schema, flag, key);
      sources[key] = { kind: 'flag', name: flagName(key) };
    } else if (variable !== undefined) {
      merged[key] = fromText(schema, variable, key);
      sources[key] = { kind: 'env', name: envName(key) };
    } else if (key in fromFile) {
      const value = fromFile[key];
      merged[key] = PATH_KEYS.has(key) && typeof value === 'string' ? resolve(dirname(file!), value) : value;
      sources[key] = { kind: 'file', name: `${file}: ${fileKey(key)}` };
    } else {
      merged[key] = (DEFAULTS as Record<string, unknown>)[key];
      sources[key] = { kind: 'default', name: key };
    }
    if (merged[key] === undefined) continue;
    const problem = Value.Errors(schema, merged[key]).First();
    if (problem) throw new StartupError('config_invalid', `${sources[key].name}: ${describeProblem(schema, problem.message, merged[key])}`);
  }
  if ((merged.tlsCert === undefined) !== (merged.tlsKey === undefined)) {
    const missing: Key = merged.tlsCert === undefined ? 'tlsCert' : 'tlsKey';
    const given: Key = missing === 'tlsCert' ? 'tlsKey' : 'tlsCert';
    throw new StartupError(
      'config_invalid',
      `${sources[given].name}: set ${fileKey(missing)} (${flagName(missing)}, ${envName(missing)}) too; HTTPS needs both the certificate and its key.`,
    );
  }
  const config = merged as Config;
  return { config: { ...config, dataDir: resolve(config.dataDir) }, file, sources };
}

/** Flags and variables are text: "8080" becomes 8080 and "true" true where the schema wants it. */
function fromText(schema: TSchema, text: string, key: string): unknown {
  return PATH_KEYS.has(key) && text !== '' ? resolve(text) : Value.Convert(schema, text);
}

/** "expected integer to be less or equal to 65535, got 70000 (HTTP port; 0 picks a free one)." */
function describeProblem(schema: TSchema, message: string, value: unknown): string {
  const choices = (schema.anyOf as { const?: unknown }[] | undefined)?.map((option) => option.const);
  const reason = choices?.every((choice) => choice !== undefined)
    ? `must be one of ${choices.join(', ')}`
    : message.replace(/^Expected/, 'expected');
  const help = typeof schema.description === 'string' ? ` (${schema.description.replace(/\.$/, '')})` : '';
  return `${reason}, got ${JSON.stringify(value)}${help}.`;
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new StartupError(
      'config_unreadable',
      `cannot read the configuration file ${file} (${code}); check the path given by --config or HAIL_CONFIG.`,
    );
  }
  let parsed: Record<string, unknown>;
  try {
    parsed = parseToml(text);
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    const reason = error.message.split('\n')[0]!.replace(/^Invalid TOML document: /, '');
    throw new StartupError('config_invalid', `${file}:${error.line}:${error.column}: ${reason}.`);
  }
  const values: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(parsed)) {
    const key = KEYS.find((candidate) => fileKey(candidate) === name);
    if (!key)
      throw new StartupError('config_invalid', `${file}: ${name}: unknown setting; known settings are ${KEYS.map(fileKey).join(', ')}.`);
    values[key] = value;
  }
  return values;
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
