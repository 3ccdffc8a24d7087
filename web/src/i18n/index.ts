/**
 * Every string people read comes from a catalog: English is built in, Dutch, French and
 * German load on demand (each its own small chunk). The language follows the browser unless
 * settings override it; dates and numbers are formatted by Intl in the same language, in the
 * browser's own variant of it when it has one (en-GB: 24-hour times, the day before the month).
 * A message may name parameters as {name}; counts choose their plural form through
 * Intl.PluralRules ("one" / "other" variants as `key.one` / `key.other`).
 */
import { computed, effect, signal } from '@preact/signals';
import { languageChoice } from '../state/settings';
import en, { type MessageKey } from './en';

export type { MessageKey };
export type Catalog = Record<MessageKey, string>;
export const LANGUAGES = ['en', 'nl', 'fr', 'de'] as const;
export type Language = (typeof LANGUAGES)[number];

const loaders: Record<Exclude<Language, 'en'>, () => Promise<{ default: Catalog }>> = {
  nl: () => import('./nl'),
  fr: () => import('./fr'),
  de: () => import('./de'),
};

function browserLanguage(): Language {
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = tag.toLowerCase().split('-')[0] as Language;
    if (LANGUAGES.includes(base)) return base;
  }
  return 'en';
}

export const language = computed<Language>(() => (languageChoice.value === 'browser' ? browserLanguage() : languageChoice.value));
const catalog = signal<Catalog>(en);

/** Resolves once the chosen language's catalog is in use. */
export async function loadLanguage(lang: Language = language.value): Promise<void> {
  catalog.value = lang === 'en' ? en : (await loaders[lang]()).default;
  document.documentElement.lang = lang;
}

effect(() => void loadLanguage(language.value));

export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  let text: string = catalog.value[key] ?? en[key];
  if (typeof params.count === 'number') {
    const form = pluralRules.value.select(params.count);
    const plural = (catalog.value as Record<string, string>)[`${key}.${form}`] ?? (catalog.value as Record<string, string>)[`${key}.other`];
    if (plural) text = plural;
  }
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? formatParam(params[name]!) : whole));
}

/** The browser's first language tag in the chosen language (en-GB for English), else the language itself. */
const locale = computed(
  () => (navigator.languages ?? [navigator.language]).find((tag) => tag.toLowerCase().split('-')[0] === language.value) ?? language.value,
);

/**
 * Intl formatters, each made once per locale when first used: making one costs far more than
 * formatting with it, and a channel's first screen formats two times for each of its posts.
 */
const numberFormat = computed(() => new Intl.NumberFormat(locale.value));
const pluralRules = computed(() => new Intl.PluralRules(language.value));
const timeFormat = computed(() => new Intl.DateTimeFormat(locale.value, { timeStyle: 'short' }));
const dayFormat = computed(
  () => new Intl.DateTimeFormat(locale.value, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }),
);
const dateTimeFormat = computed(() => new Intl.DateTimeFormat(locale.value, { dateStyle: 'medium', timeStyle: 'short' }));

const formatParam = (value: string | number) => (typeof value === 'number' ? numberFormat.value.format(value) : value);

export const formatTime = (ms: number) => timeFormat.value.format(ms);
export const formatDay = (ms: number) => dayFormat.value.format(ms);
export const formatDateTime = (ms: number) => dateTimeFormat.value.format(ms);

/**
 * Makes the formatters a channel's first screen needs, and so loads the locale's data, while the
 * app waits for the network: otherwise the first render of the list pays for it, in the start's
 * longest task.
 */
export function prepareFormatters(): void {
  for (const format of [formatTime, formatDay, formatDateTime]) format(0);
}
export const formatBytes = (bytes: number) => {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;
  const power = Math.min(units.length - 1, Math.floor(Math.log(Math.max(bytes, 1)) / Math.log(1024)));
  return new Intl.NumberFormat(locale.value, { style: 'unit', unit: units[power], unitDisplay: 'short', maximumFractionDigits: 1 }).format(
    bytes / 1024 ** power,
  );
};

export const hasMessage = (key: string): key is MessageKey => key in en;
