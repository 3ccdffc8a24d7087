/** A short message for people about an action that failed, shown in a status region. */
import { signal } from '@preact/signals';

export const notice = signal<string | undefined>(undefined);
let timer: ReturnType<typeof setTimeout> | undefined;

export function showNotice(text: string): void {
  notice.value = text;
  clearTimeout(timer);
  timer = setTimeout(() => (notice.value = undefined), 6000);
}
