/**
 * Emoji characters for reactions' short names. The table is a lazy chunk (shared with the
 * picker): until it has loaded, a reaction shows as :name:, then re-renders.
 */
import { signal } from '@preact/signals';

const table = signal<Record<string, string> | undefined>(undefined);
let loading: Promise<void> | undefined;

export const QUICK_REACTIONS = ['thumbsup', 'heart', 'joy', 'tada', 'eyes'];

export function emojiChar(name: string): string {
  loading ??= import('../emoji/emoji-data').then((module) => void (table.value = module.EMOJI));
  return table.value?.[name] ?? `:${name}:`;
}
