/**
 * NetworkManager connection profiles in its keyfile format (nm-settings-keyfile(5)), the
 * files of /etc/NetworkManager/system-connections/ (NetworkManager ignores one that anyone but
 * root may read: first-boot.ts writes them 0600).
 *
 * The hotspot is `ipv4.method=shared`: NetworkManager gives the box the fixed address and runs
 * dnsmasq for the phones' DHCP and DNS, with the files of /etc/NetworkManager/dnsmasq-shared.d/
 * added; EVERY_NAME_ANSWERS_THE_BOX there answers every name with the box, so a phone that opens
 * any address lands on Hail, and its captive-portal check opens the join page by itself. WPA2
 * only (proto rsn, CCMP): the Pi's Broadcom radio fails as an access point offering WPA1 too.
 * 2.4 GHz only, where NetworkManager picks channel 1, 6 or 11: every Pi and phone has it, and
 * those channels are allowed everywhere, while 5 GHz needs the country's regulatory domain set
 * before an access point may start (and the Pi Zero 2 W has none).
 *
 * A keyfile is a GLib key file: a value is one line, `\` escapes, leading spaces need `\s`,
 * and NetworkManager reads an SSID holding `;` as a list of byte values. An SSID that is not
 * plain text in that sense is written as its bytes, `72;97;105;108;`.
 */
import { nameId } from '../core/ids.js';

export const HOTSPOT_ADDRESS = '10.42.0.1';
export const HOTSPOT_PREFIX = 24;

export const HOTSPOT_FILE = 'hail-hotspot.nmconnection';
export const JOIN_FILE = 'hail-wifi.nmconnection';
export const EVERY_NAME_FILE = 'hail-every-name.conf';

export const EVERY_NAME_ANSWERS_THE_BOX = `# Hail's hotspot: every name a phone looks up answers with the box, so any address opens Hail.
address=/#/${HOTSPOT_ADDRESS}
`;

export interface Hotspot {
  readonly ssid: string;
  readonly passphrase: string;
  /** Below the network to join, when the hotspot is its fallback: NetworkManager picks the highest available. */
  readonly priority: number;
}

export function hotspotConnection({ ssid, passphrase, priority }: Hotspot): string {
  return keyfile({
    connection: {
      id: 'Hail hotspot',
      uuid: nameId('nm-connection:hail-hotspot'),
      type: 'wifi',
      autoconnect: 'true',
      'autoconnect-priority': `${priority}`,
    },
    wifi: { mode: 'ap', ssid: ssidValue(ssid), band: 'bg' },
    'wifi-security': { 'key-mgmt': 'wpa-psk', proto: 'rsn', pairwise: 'ccmp', group: 'ccmp', psk: stringValue(passphrase) },
    ipv4: { method: 'shared', address1: `${HOTSPOT_ADDRESS}/${HOTSPOT_PREFIX}` },
    ipv6: { method: 'ignore' },
  });
}

export interface Join {
  readonly ssid: string;
  /** None: an open network. */
  readonly passphrase?: string;
}

export function joinConnection({ ssid, passphrase }: Join): string {
  return keyfile({
    connection: {
      id: 'Hail Wi-Fi',
      uuid: nameId('nm-connection:hail-wifi'),
      type: 'wifi',
      autoconnect: 'true',
      'autoconnect-priority': '10',
    },
    wifi: { mode: 'infrastructure', ssid: ssidValue(ssid) },
    ...(passphrase === undefined ? {} : { 'wifi-security': { 'key-mgmt': 'wpa-psk', psk: stringValue(passphrase) } }),
    ipv4: { method: 'auto' },
    ipv6: { method: 'auto' },
  });
}

/** The passphrase of a profile hotspotConnection wrote, so that applying settings again keeps it. */
export function hotspotPassphrase(profile: string | undefined): string | undefined {
  const psk = /^psk=(.*)$/m.exec(profile ?? '')?.[1];
  return psk?.replace(/\\(s|\\)/g, (_, escaped: string) => (escaped === 's' ? ' ' : '\\'));
}

function keyfile(sections: Record<string, Record<string, string>>): string {
  return Object.entries(sections)
    .map(
      ([name, values]) =>
        `[${name}]\n${Object.entries(values)
          .map(([key, value]) => `${key}=${value}\n`)
          .join('')}`,
    )
    .join('\n');
}

/** A GLib key file string: `\` doubled, spaces at either end kept as `\s`. */
function stringValue(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/^ /, '\\s').replace(/ $/, '\\s');
}

function ssidValue(ssid: string): string {
  // eslint-disable-next-line no-control-regex
  const plain = !/[;\\\x00-\x1f\x7f]|^\s|\s$/.test(ssid);
  return plain ? ssid : `${[...Buffer.from(ssid)].join(';')};`;
}
