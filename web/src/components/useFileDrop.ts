/**
 * Files dragged from the desktop onto a channel or thread attach to its composer: the whole
 * view around the composer (its parent element) takes the drop, and says so while files are
 * dragged over it (the class `dropping`, its `data-drop-label` drawn by the style sheet). Text
 * or links dragged about are left to the browser.
 */
import type { RefObject } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

/** `onFiles` undefined: nothing can be attached here now (an archived channel), and the browser keeps the drop. */
export function useFileDrop(inside: RefObject<HTMLElement | null>, label: string, onFiles: ((files: File[]) => void) | undefined): void {
  const latest = useRef({ label, onFiles });
  latest.current = { label, onFiles };
  useEffect(() => {
    const target = inside.current?.parentElement;
    if (!target) return;
    // dragenter and dragleave come for every child crossed: count them to know when the files left.
    let depth = 0;
    const carriesFiles = (event: DragEvent) => latest.current.onFiles !== undefined && event.dataTransfer?.types.includes('Files') === true;
    const setDragging = (dragging: boolean) => {
      target.dataset.dropLabel = latest.current.label;
      target.classList.toggle('dropping', dragging);
    };
    const enter = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      depth++;
      setDragging(true);
    };
    const over = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      event.preventDefault(); // without this the browser opens the file instead of dropping it here
      event.dataTransfer!.dropEffect = 'copy';
    };
    const leave = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const drop = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      depth = 0;
      setDragging(false);
      latest.current.onFiles?.([...event.dataTransfer!.files]);
    };
    target.addEventListener('dragenter', enter);
    target.addEventListener('dragover', over);
    target.addEventListener('dragleave', leave);
    target.addEventListener('drop', drop);
    return () => {
      target.removeEventListener('dragenter', enter);
      target.removeEventListener('dragover', over);
      target.removeEventListener('dragleave', leave);
      target.removeEventListener('drop', drop);
      target.classList.remove('dropping');
    };
  }, []);
}
