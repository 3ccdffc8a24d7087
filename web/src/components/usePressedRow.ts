/**
 * Which post shows its actions on a touch screen: the one long-pressed. A tap only focuses a
 * post, so the bar never appears where the next tap lands (it would react to the post); a
 * touch held still opens it, and a touch anywhere outside the bar puts it away. The click
 * that the lifting finger makes is swallowed: the bar may have opened right under it. Mice show the
 * bar on hover and keyboards on focus, in CSS.
 *
 * A bar is rendered only once its post is approached (pointer over it, focus in it, long-pressed),
 * and stays so: two dozen hidden bars of icon buttons were 40 % of a channel's first render.
 */
import { useEffect, useRef, useState } from 'preact/hooks';

const LONG_PRESS_MS = 450;
/** A finger that moves further is scrolling, not pressing. */
const SLOP_PX = 10;

export interface PressedRow {
  /** The key of the post whose actions are open. */
  open: string | undefined;
  /** Whether the post's action bar is in the page (shown or not is CSS's choice, or `open`'s). */
  rendered(key: string): boolean;
  /** Handlers for a post's row. */
  handlers(key: string): {
    onPointerEnter: () => void;
    onFocusIn: () => void;
    onPointerDown: (event: PointerEvent) => void;
    onPointerMove: (event: PointerEvent) => void;
    onPointerUp: () => void;
    onPointerCancel: () => void;
    onContextMenu: (event: MouseEvent) => void;
  };
}

function swallowNextClick(): void {
  const swallow = (event: MouseEvent) => {
    event.preventDefault();
    event.stopPropagation();
  };
  document.addEventListener('click', swallow, { capture: true, once: true });
  // A finger that lifts with no click (it moved, or the browser made none) must not cost the next real tap.
  document.addEventListener('pointerup', () => setTimeout(() => document.removeEventListener('click', swallow, { capture: true }), 400), {
    once: true,
  });
}

export function usePressedRow(): PressedRow {
  const [open, setOpen] = useState<string | undefined>(undefined);
  const [approached, setApproached] = useState<ReadonlySet<string>>(new Set());
  const approach = (key: string) => setApproached((keys) => (keys.has(key) ? keys : new Set(keys).add(key)));
  const press = useRef<{ key: string; x: number; y: number; timer: ReturnType<typeof setTimeout> } | undefined>(undefined);
  const cancel = () => {
    clearTimeout(press.current?.timer);
    press.current = undefined;
  };

  useEffect(() => {
    if (open === undefined) return;
    const close = (event: PointerEvent) => {
      if (!(event.target as Element).closest('.post-actions')) setOpen(undefined);
    };
    document.addEventListener('pointerdown', close, true);
    return () => document.removeEventListener('pointerdown', close, true);
  }, [open]);
  useEffect(() => cancel, []);

  return {
    open,
    rendered: (key) => key === open || approached.has(key),
    handlers: (key) => ({
      onPointerEnter: () => approach(key),
      onFocusIn: () => approach(key),
      onPointerDown: (event) => {
        cancel();
        if (event.pointerType !== 'touch') return;
        press.current = {
          key,
          x: event.clientX,
          y: event.clientY,
          timer: setTimeout(() => {
            setOpen(key);
            swallowNextClick();
          }, LONG_PRESS_MS),
        };
      },
      onPointerMove: (event) => {
        if (press.current && Math.hypot(event.clientX - press.current.x, event.clientY - press.current.y) > SLOP_PX) cancel();
      },
      onPointerUp: cancel,
      onPointerCancel: cancel,
      // The browser's own long-press menu (Android) would cover the actions; links and pictures keep theirs.
      onContextMenu: (event) => {
        if (open !== key && press.current?.key !== key) return;
        if ((event.target as Element).closest('a, img')) return;
        event.preventDefault();
      },
    }),
  };
}
