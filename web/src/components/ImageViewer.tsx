/**
 * A post's pictures full screen, on the native <dialog>: the browser traps focus and closes it
 * on Escape; the focus goes back to the picture that opened it. Two fingers pinch to zoom, the
 * wheel zooms at the pointer, a double click (or tap) zooms in and out, a zoomed picture pans
 * with one finger or the mouse (pointer events, so touch, pen and mouse are one code path);
 * the arrow keys and buttons step through the post's pictures. Its own chunk, loaded when the
 * first picture is opened.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n';

export interface ViewedImage {
  readonly url: string;
  readonly name: string;
}

interface View {
  readonly scale: number;
  readonly x: number;
  readonly y: number;
}

const WHOLE: View = { scale: 1, x: 0, y: 0 };
const MAX_SCALE = 8;
const DOUBLE_CLICK_SCALE = 2.5;
interface Point {
  x: number;
  y: number;
}

/**
 * `view` scaled to `scale` about `at` (relative to the stage's centre): the point of the picture
 * under `at` stays under it. Back at the whole picture, it is centred again.
 */
function zoomAt(view: View, scale: number, at: Point): View {
  const next = Math.min(MAX_SCALE, Math.max(1, scale));
  if (next === 1) return WHOLE;
  return { scale: next, x: at.x - ((at.x - view.x) * next) / view.scale, y: at.y - ((at.y - view.y) * next) / view.scale };
}

const distance = (a: Point, b: Point) => Math.hypot(a.x - b.x, a.y - b.y);
const middle = (a: Point, b: Point): Point => ({ x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 });

export default function ImageViewer({ images, start, onClose }: { images: readonly ViewedImage[]; start: number; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const stage = useRef<HTMLDivElement>(null);
  const closeButton = useRef<HTMLButtonElement>(null);
  const [index, setIndex] = useState(start);
  const [view, setView] = useState<View>(WHOLE);
  const pointers = useRef(new Map<number, Point>());
  const pinch = useRef<{ distance: number; middle: Point; view: View } | undefined>(undefined);
  const image = images[index]!;

  useEffect(() => {
    const element = dialog.current!;
    // The browser's own return of the focus is lost when the dialog leaves the page as it closes.
    const opener = document.activeElement as HTMLElement | null;
    if (!element.open) element.showModal();
    // The way out has the focus, rather than the first zoom button.
    closeButton.current!.focus();
    return () => {
      element.close();
      opener?.focus();
    };
  }, []);
  useEffect(() => setView(WHOLE), [index]);

  /** A point of the screen relative to the stage's centre, where the picture's centre is when whole. */
  const fromCentre = (clientX: number, clientY: number): Point => {
    const box = stage.current!.getBoundingClientRect();
    return { x: clientX - box.left - box.width / 2, y: clientY - box.top - box.height / 2 };
  };

  const step = (by: number) => setIndex((at) => (at + by + images.length) % images.length);

  const onPointerDown = (event: PointerEvent) => {
    stage.current!.setPointerCapture(event.pointerId);
    pointers.current.set(event.pointerId, fromCentre(event.clientX, event.clientY));
    const [a, b] = [...pointers.current.values()];
    if (a && b) pinch.current = { distance: distance(a, b), middle: middle(a, b), view };
  };
  const onPointerMove = (event: PointerEvent) => {
    const last = pointers.current.get(event.pointerId);
    if (!last) return;
    const now = fromCentre(event.clientX, event.clientY);
    pointers.current.set(event.pointerId, now);
    const [a, b] = [...pointers.current.values()];
    if (a && b && pinch.current) {
      const { middle: from, view: before } = pinch.current;
      const zoomed = zoomAt(before, (before.scale * distance(a, b)) / Math.max(1, pinch.current.distance), from);
      const to = middle(a, b);
      setView(zoomed.scale === 1 ? WHOLE : { ...zoomed, x: zoomed.x + to.x - from.x, y: zoomed.y + to.y - from.y });
    } else if (view.scale > 1) setView({ ...view, x: view.x + now.x - last.x, y: view.y + now.y - last.y });
  };
  const onPointerUp = (event: PointerEvent) => {
    pointers.current.delete(event.pointerId);
    if (pointers.current.size < 2) pinch.current = undefined;
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (images.length > 1 && (event.key === 'ArrowRight' || event.key === 'ArrowLeft')) step(event.key === 'ArrowRight' ? 1 : -1);
  };

  const position = images.length > 1 ? ` (${t('viewer.position', { at: index + 1, count: images.length })})` : '';
  return (
    <dialog ref={dialog} class="image-viewer" aria-label={image.name + position} onClose={onClose} onCancel={onClose} onKeyDown={onKeyDown}>
      <div class="viewer-bar">
        <span class="viewer-name">
          {image.name}
          {position}
        </span>
        <button
          type="button"
          class="icon-button"
          aria-label={t('viewer.zoomOut')}
          disabled={view.scale === 1}
          onClick={() => setView(zoomAt(view, view.scale / 1.5, { x: 0, y: 0 }))}
        >
          −
        </button>
        <button
          type="button"
          class="icon-button"
          aria-label={t('viewer.zoomIn')}
          disabled={view.scale === MAX_SCALE}
          onClick={() => setView(zoomAt(view, view.scale * 1.5, { x: 0, y: 0 }))}
        >
          +
        </button>
        <a class="icon-button" href={image.url} download={image.name} aria-label={t('viewer.download')} title={t('viewer.download')}>
          <span aria-hidden="true">⤓</span>
        </a>
        <button type="button" class="icon-button" aria-label={t('common.close')} onClick={onClose} ref={closeButton}>
          ✕
        </button>
      </div>
      <div
        class="viewer-stage"
        ref={stage}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
        onWheel={(event) => {
          event.preventDefault();
          setView(zoomAt(view, view.scale * Math.exp(-event.deltaY / 300), fromCentre(event.clientX, event.clientY)));
        }}
        onDblClick={(event) => setView(view.scale > 1 ? WHOLE : zoomAt(view, DOUBLE_CLICK_SCALE, fromCentre(event.clientX, event.clientY)))}
      >
        <img
          src={image.url}
          alt={image.name}
          draggable={false}
          style={{ transform: `translate(${view.x}px, ${view.y}px) scale(${view.scale})` }}
        />
      </div>
      {images.length > 1 && (
        <div class="viewer-steps">
          <button type="button" aria-label={t('viewer.previous')} onClick={() => step(-1)}>
            ‹
          </button>
          <button type="button" aria-label={t('viewer.next')} onClick={() => step(1)}>
            ›
          </button>
        </div>
      )}
    </dialog>
  );
}
