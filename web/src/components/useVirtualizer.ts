/**
 * @tanstack/virtual-core bound to Preact: only the posts in and near the viewport are in the
 * DOM, each measured once rendered, so ten thousand posts scroll like fifty.
 *
 * Set up for a chat, which grows at both ends: `anchorTo: 'end'` keeps the post at the top of
 * the screen where it is when older posts are put in front (by key, through the library), and
 * `followOnAppend` keeps the view at the bottom while it is there as new posts come.
 *
 * One rule is ours: a post whose size changes while it starts at or above the top of the
 * screen moves the scroll position with it. The library's own rule leaves alone a post that
 * straddles the top, and any re-measured post while scrolling up; but that is exactly the
 * post that was first before an older page came: it loses its day separator or its name (now
 * grouped with the post before it), shrinking at its top, and everything under it would jump.
 */
import { elementScroll, observeElementOffset, observeElementRect, Virtualizer, type VirtualizerOptions } from '@tanstack/virtual-core';
import { useLayoutEffect, useReducer, useState } from 'preact/hooks';

type Options = Pick<VirtualizerOptions<HTMLDivElement, Element>, 'count' | 'getScrollElement' | 'estimateSize' | 'getItemKey' | 'overscan'>;

const startsAtOrAboveTop = (item: { start: number }, _delta: number, instance: Virtualizer<HTMLDivElement, Element>) =>
  item.start <= (instance.scrollOffset ?? 0);

export function useVirtualizer(options: Options): Virtualizer<HTMLDivElement, Element> {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const full: VirtualizerOptions<HTMLDivElement, Element> = {
    ...options,
    scrollToFn: elementScroll,
    observeElementRect,
    observeElementOffset,
    anchorTo: 'end',
    followOnAppend: true,
    onChange: () => rerender(undefined),
  };
  const [instance] = useState(() => {
    const virtualizer = new Virtualizer(full);
    virtualizer.shouldAdjustScrollPositionOnItemSizeChange = startsAtOrAboveTop;
    return virtualizer;
  });
  instance.setOptions(full);
  useLayoutEffect(() => instance._didMount(), []);
  useLayoutEffect(() => instance._willUpdate());
  return instance;
}
