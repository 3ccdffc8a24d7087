/**
 * Posts' markdown as HTML. markdown-it loads as its own chunk right after start, which keeps
 * the first load within budget; until it has arrived (a few milliseconds, or from the service
 * worker's cache) a post shows as escaped plain text, then re-renders. `channelIds` maps the
 * reader's channel names to ids, for `~name` links.
 */
import { signal } from '@preact/signals';

const renderer = signal<((text: string, channelIds: ReadonlyMap<string, string>) => string) | undefined>(undefined);
const loading = import('./markdown-it').then((module) => void (renderer.value = module.render));
void loading.catch(() => undefined);

const escape = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

export const renderMarkdown = (text: string, channelIds: ReadonlyMap<string, string>): string =>
  renderer.value?.(text, channelIds) ?? `<p>${escape(text).replace(/\n/g, '<br>')}</p>`;
