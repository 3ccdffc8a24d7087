/**
 * The text files first-boot writes to the SD card's FAT partition for the people at the laptop
 * (src/box/first-boot.ts): how to reach the box, its setup code, what was wrong in the settings
 * file. Plain sentences; the caller gives them CRLF line ends, which every laptop shows.
 */
import { SETTINGS_FILE } from './first-boot-settings.js';
import { HOTSPOT_ADDRESS } from './network-connection.js';

export interface Network {
  readonly ssid: string;
  readonly passphrase: string;
}

export const hotspotNote = (boxName: string, { ssid, passphrase }: Network, byName: string): string =>
  `Hail on ${boxName}: the box's own Wi-Fi

  Network:   ${ssid}
  Password:  ${passphrase}

Join this network from a phone or a laptop, then open http://${HOTSPOT_ADDRESS}/
(any address opens the box, and phones usually offer to open it by themselves;
on a laptop ${byName} works too).

To change the network, edit ${SETTINGS_FILE} on this card and start the box again.
`;

export const joinNote = (boxName: string, network: string, hostName: string, fallback: Network | undefined): string =>
  `Hail on ${boxName}: on the Wi-Fi network "${network}"

Open http://${hostName}.local/ from a laptop on that network, or the box's address there
(your router lists it under the name ${hostName}).
${
  fallback
    ? `
When "${network}" is not in range as the box starts, the box makes its own Wi-Fi instead:

  Network:   ${fallback.ssid}
  Password:  ${fallback.passphrase}

and is at http://${HOTSPOT_ADDRESS}/ there. It tries "${network}" again at its next start.
`
    : ''
}
To change the network, edit ${SETTINGS_FILE} on this card and start the box again.
`;

export const setupCodeNote = (code: string, address: string): string =>
  `Hail setup code:  ${code}

It creates the box's first administrator, once: open the box (${address}),
and type it on the first screen. After that it no longer works.
`;

export const errorsNote = (problems: readonly string[]): string =>
  `Hail could not use everything in ${SETTINGS_FILE}:

${problems.map((problem) => `- ${problem}`).join('\n')}

Fix the file and start the box again; WIFI.txt says how to reach it meanwhile.
`;
