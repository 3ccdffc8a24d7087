/**
 * This browser's preferences: theme, language and which posts notify. Kept in localStorage,
 * which is read synchronously, so the theme is right on the first paint.
 */
import { effect, signal } from '@preact/signals';

export type Theme = 'system' | 'light' | 'dark';
export type NotifyLevel = 'all' | 'mentions' | 'none';
export type LanguageChoice = 'browser' | 'en' | 'nl' | 'fr' | 'de';

function stored<T extends string>(key: string, allowed: readonly T[], fallback: T) {
  const saved = localStorage.getItem(`hail.${key}`) as T | null;
  const value = signal<T>(saved && allowed.includes(saved) ? saved : fallback);
  effect(() => localStorage.setItem(`hail.${key}`, value.value));
  return value;
}

export const theme = stored<Theme>('theme', ['system', 'light', 'dark'], 'system');
export const notifyLevel = stored<NotifyLevel>('notify', ['all', 'mentions', 'none'], 'mentions');
export const languageChoice = stored<LanguageChoice>('language', ['browser', 'en', 'nl', 'fr', 'de'], 'browser');

const systemDark = matchMedia('(prefers-color-scheme: dark)');
const prefersDark = signal(systemDark.matches);
systemDark.addEventListener('change', () => (prefersDark.value = systemDark.matches));

// The page is told 'light' or 'dark', never 'system', so the stylesheet has one set of dark colours.
effect(() => {
  document.documentElement.dataset.theme = theme.value === 'system' ? (prefersDark.value ? 'dark' : 'light') : theme.value;
});
