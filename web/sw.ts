/**
 * The service worker (secure contexts only: HTTPS or localhost). It precaches the app shell
 * (the manifest workbox-build injects lists every built file, hashed names included), so the
 * app starts with no connection at all; the app's own paths answer the cached index.html.
 * The API is never cached here: history lives in IndexedDB, where the app controls it.
 */
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute, type PrecacheEntry } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';

declare const self: {
  __WB_MANIFEST: (string | PrecacheEntry)[];
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void> };
  addEventListener(type: 'install' | 'activate', listener: (event: { waitUntil(promise: Promise<unknown>): void }) => void): void;
};

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
// Server-rendered pages and the API are not the app's: never answer them from the shell.
registerRoute(new NavigationRoute(createHandlerBoundToURL('/index.html'), { denylist: [/^\/api\//, /^\/join/, /^\/trust/, /^\/healthz/] }));

// A new version takes over at once: its files are all precached, and hashed names never clash.
self.addEventListener('install', (event) => event.waitUntil(self.skipWaiting()));
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
