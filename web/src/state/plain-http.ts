/**
 * On plain HTTP (not a secure context: not HTTPS, not localhost) the browser runs no service
 * worker, so reopening the app while the box is off shows the browser's error page, and the
 * saved history and unsent posts wait unreachable. The app says so before it matters, until
 * the person dismisses the note (remembered in this browser).
 */
import { signal } from '@preact/signals';

const DISMISSED = 'hail.plainHttpNoteDismissed';

export const plainHttpNoteShown = signal(!window.isSecureContext && localStorage.getItem(DISMISSED) === null);

export function dismissPlainHttpNote(): void {
  localStorage.setItem(DISMISSED, '1');
  plainHttpNoteShown.value = false;
}
