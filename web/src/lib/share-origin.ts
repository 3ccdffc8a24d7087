/**
 * Links made for other people's phones (invites, password resets) must name an address those
 * phones can reach. The app's own address does, unless the app runs on the box itself
 * (`localhost`, `127.0.0.1`, `[::1]`): then the box's first address on the network does.
 */
export function shareOrigin(pageOrigin: string, boxUrlsByIp: readonly string[]): string {
  const { hostname } = new URL(pageOrigin);
  const onTheBox = hostname === 'localhost' || hostname.endsWith('.localhost') || hostname.startsWith('127.') || hostname === '[::1]';
  return onTheBox && boxUrlsByIp[0] ? new URL(boxUrlsByIp[0]).origin : pageOrigin;
}
