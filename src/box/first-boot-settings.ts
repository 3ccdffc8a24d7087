/**
 * The first-boot settings file: `hail-settings.toml` on the SD card's FAT partition, written
 * on any laptop before the card goes into the box (image/first-boot/hail-settings.toml is the
 * commented example the image puts there). Nobody is at a console to read an error, so a
 * wrong value never stops the box: each problem becomes one sentence for ERRORS.txt and the
 * journal, and that one setting falls back to its default; a wrong Wi-Fi section falls back
 * to the box's own hotspot as a whole, the one network that needs nothing outside the box.
 * Secrets are never quoted back: a problem with a passphrase says what is wrong with it.
 */
import { Value } from '@sinclair/typebox/value';
import { parse as parseToml, TomlError } from 'smol-toml';
import { ConfigSchema } from '../config.js';

export const SETTINGS_FILE = 'hail-settings.toml';

export type WifiSettings =
  | { readonly mode: 'hotspot'; readonly ssid?: string; readonly passphrase?: string }
  | { readonly mode: 'join'; readonly ssid: string; readonly passphrase?: string; readonly fallbackHotspot: boolean };

/** What the file asks for; unset values are the box's defaults (first-boot.ts chooses them). */
export interface FirstBootSettings {
  readonly boxName?: string;
  readonly hostName?: string;
  readonly timeZone?: string;
  readonly wifi: WifiSettings;
}

export interface ReadSettings {
  readonly settings: FirstBootSettings;
  readonly problems: readonly string[];
}

const DEFAULT_WIFI: WifiSettings = { mode: 'hotspot' };
const TOP_KEYS = ['box_name', 'host_name', 'time_zone', 'wifi'];
const WIFI_KEYS = ['mode', 'ssid', 'passphrase', 'fallback_hotspot'];

/**
 * Reads the file's text (undefined: there is no file). `zoneExists` says whether the box has
 * a time zone of that name, such as Europe/London.
 */
export function readSettings(text: string | undefined, zoneExists: (zone: string) => boolean): ReadSettings {
  if (text === undefined) return { settings: { wifi: DEFAULT_WIFI }, problems: [] };
  const problems: string[] = [];
  let parsed: Record<string, unknown>;
  try {
    // Windows' Notepad may start the file with a byte-order mark.
    parsed = parseToml(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    const reason = error.message.split('\n')[0]!.replace(/^Invalid TOML document: /, '');
    return {
      settings: { wifi: DEFAULT_WIFI },
      problems: [
        `${SETTINGS_FILE} line ${error.line}: ${reason}. None of its settings were used; the box made its own hotspot (see WIFI.txt).`,
      ],
    };
  }
  for (const key of Object.keys(parsed))
    if (!TOP_KEYS.includes(key)) problems.push(`${key}: unknown setting (the settings are ${TOP_KEYS.join(', ')}); it was ignored.`);

  const boxName = checked(parsed.box_name, 'box_name', problems, (value) =>
    typeof value === 'string' && Value.Check(ConfigSchema.properties.boxName, value)
      ? undefined
      : 'must be a name of 1 to 48 characters with no dots, such as "Arthur"',
  );
  const hostName = checked(parsed.host_name, 'host_name', problems, (value) =>
    typeof value === 'string' && /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i.test(value)
      ? undefined
      : 'must be 1 to 63 letters, digits and hyphens, not starting or ending with a hyphen, such as "arthur"',
  );
  const timeZone = checked(parsed.time_zone, 'time_zone', problems, (value) =>
    typeof value === 'string' && /^[A-Za-z0-9_+-]+(\/[A-Za-z0-9_+-]+)*$/.test(value) && zoneExists(value)
      ? undefined
      : 'must be a time zone of the tz database, such as "Europe/London" or "America/New_York"',
  );
  return {
    settings: { boxName, hostName: hostName?.toLowerCase(), timeZone, wifi: readWifi(parsed.wifi, problems) },
    problems,
  };
}

/** The value when `problem` finds none, else undefined (the default) and the problem noted. */
function checked(value: unknown, key: string, problems: string[], problem: (value: unknown) => string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const wrong = problem(value);
  if (!wrong) return value as string;
  problems.push(`${key}: ${wrong}; got ${JSON.stringify(value)}. The default was used.`);
  return undefined;
}

function readWifi(section: unknown, problems: string[]): WifiSettings {
  if (section === undefined) return DEFAULT_WIFI;
  const wrong = (reason: string): WifiSettings => {
    problems.push(`wifi.${reason}. The box made its own hotspot instead (see WIFI.txt).`);
    return DEFAULT_WIFI;
  };
  if (typeof section !== 'object' || section === null || Array.isArray(section)) return wrong('must be a [wifi] section');
  const wifi = section as Record<string, unknown>;
  for (const key of Object.keys(wifi))
    if (!WIFI_KEYS.includes(key))
      problems.push(`wifi.${key}: unknown setting (those of [wifi] are ${WIFI_KEYS.join(', ')}); it was ignored.`);
  const mode = wifi.mode ?? 'hotspot';
  if (mode !== 'hotspot' && mode !== 'join') return wrong(`mode: must be "hotspot" or "join"; got ${JSON.stringify(mode)}`);

  const ssidProblem = wifi.ssid === undefined ? undefined : ssidFault(wifi.ssid);
  if (ssidProblem) return wrong(`ssid: ${ssidProblem}`);
  const passphraseProblem = wifi.passphrase === undefined ? undefined : passphraseFault(wifi.passphrase);
  if (passphraseProblem) return wrong(`passphrase: ${passphraseProblem}`);
  const ssid = wifi.ssid as string | undefined;
  const passphrase = wifi.passphrase as string | undefined;

  if (mode === 'hotspot') return { mode, ssid, passphrase };
  if (ssid === undefined) return wrong('ssid: name the network to join, such as ssid = "Marina Guest"');
  if (wifi.fallback_hotspot !== undefined && typeof wifi.fallback_hotspot !== 'boolean')
    return wrong(`fallback_hotspot: must be true or false; got ${JSON.stringify(wifi.fallback_hotspot)}`);
  return { mode, ssid, passphrase, fallbackHotspot: wifi.fallback_hotspot ?? true };
}

function ssidFault(ssid: unknown): string | undefined {
  if (typeof ssid !== 'string') return `must be text in quotes; got ${JSON.stringify(ssid)}`;
  const bytes = Buffer.byteLength(ssid);
  if (bytes < 1 || bytes > 32) return `a network name is 1 to 32 bytes; "${ssid}" is ${bytes}`;
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(ssid)) return 'a network name cannot hold control characters';
  return undefined;
}

/** WPA2's rule: 8 to 63 printable ASCII characters, or the 64 hex digits of the key itself. */
function passphraseFault(passphrase: unknown): string | undefined {
  if (typeof passphrase !== 'string') return 'must be text in quotes';
  if (/^[0-9a-fA-F]{64}$/.test(passphrase)) return undefined;
  if (!/^[\x20-\x7e]*$/.test(passphrase)) return 'must use only the letters, digits, spaces and signs of a US keyboard';
  if (passphrase.length < 8 || passphrase.length > 63) return `must be 8 to 63 characters; it has ${passphrase.length}`;
  return undefined;
}
