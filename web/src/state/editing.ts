/**
 * The post open for editing, one at a time: opened from its actions, or by ↑ in an empty
 * composer (which gets the focus back when the edit is saved or cancelled).
 */
import { signal } from '@preact/signals';

export const editingPostId = signal<string | undefined>(undefined);
let returnFocusTo: HTMLElement | undefined;

export function startEditing(postId: string, returnTo?: HTMLElement): void {
  editingPostId.value = postId;
  returnFocusTo = returnTo;
}

export function stopEditing(): void {
  editingPostId.value = undefined;
  returnFocusTo?.focus();
  returnFocusTo = undefined;
}
