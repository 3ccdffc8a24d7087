/**
 * Posts' markdown as HTML. markdown-it is the app's largest library, so it is its own chunk,
 * asked for by the first post rendered: the log-in and setup screens never load it, which
 * keeps the first load within budget. Until it has arrived (a few milliseconds, or from the
 * service worker's cache) a post shows as escaped plain text, then re-renders. `channelIds`
 * maps the reader's channel names to ids, for `~name` links.
 */
import { computed, signal } from '@preact/signals';

const renderer = signal<((text: string, channelIds: ReadonlyMap<string, string>, myName?: string) => string) | undefined>(undefined);
let loading: Promise<void> | undefined;
/** For memoized renders: what was rendered as plain text is rendered again once this turns true. */
export const markdownReady = computed(() => renderer.value !== undefined);

/** Asked for as soon as the chat opens, so the first posts shown are rendered once, not as plain text first. */
export function loadRenderer(): void {
  loading ??= import('./markdown-it').then(
    (module) => void (renderer.value = module.render),
    // Offline without the chunk cached: the next post rendered tries again.
    () => void (loading = undefined),
  );
}

const escape = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

export function renderMarkdown(text: string, channelIds: ReadonlyMap<string, string>, myName?: string): string {
  const render = renderer.value;
  if (render) return render(text, channelIds, myName);
  loadRenderer();
  return `<p>${escape(text).replace(/\n/g, '<br>')}</p>`;
}
