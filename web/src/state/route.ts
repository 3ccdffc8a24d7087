/**
 * The screen, from the address bar: every screen has a URL, so reloads, the back button and
 * shared links work, and the server answers each of these paths with the app.
 */
import { signal } from '@preact/signals';

export type Route =
  | { name: 'home' }
  | { name: 'channel'; channelId: string }
  | { name: 'channelSettings'; channelId: string }
  | { name: 'invite'; token: string }
  | { name: 'reset'; token: string }
  | { name: 'settings' }
  | { name: 'search' }
  | { name: 'mentions' }
  | { name: 'admin' };

export function parseRoute(path: string): Route {
  const [, first = '', second = '', third = ''] = path.split('/');
  if (first === 'c' && second)
    return third === 'settings' ? { name: 'channelSettings', channelId: second } : { name: 'channel', channelId: second };
  if (first === 'invite' && second) return { name: 'invite', token: second };
  if (first === 'reset' && second) return { name: 'reset', token: second };
  if (first === 'settings' || first === 'search' || first === 'mentions' || first === 'admin') return { name: first };
  return { name: 'home' };
}

export const route = signal<Route>(parseRoute(location.pathname));

export function navigate(path: string, replace = false): void {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  route.value = parseRoute(path);
}

addEventListener('popstate', () => (route.value = parseRoute(location.pathname)));
