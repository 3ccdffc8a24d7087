/**
 * Keeps a chat list at its bottom while the reader is there, through every change of size:
 * posts added or measured, pictures loading, the list's own box shrinking or growing (the
 * offline banner above it, a phone's keyboard). The virtualizer follows appended posts only,
 * and only when its last measurement already reached the bottom; here any change of the
 * content's or the viewport's size that leaves a following reader short scrolls back down.
 *
 * The reader leaves the bottom only by scrolling up: a scroll event whose position is not at
 * the bottom can also come from content that grew after a write (the event is read a frame
 * later), and that must not count as leaving. Scrolling back to the bottom joins it again.
 * While away, the posts that came below the last one seen are counted for a "new messages" pill;
 * a reader more than a screen up (scrolled far back, or taken to the first unread) is
 * offered the way back to the newest posts even when nothing new came.
 */
import { type RefObject } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';

/** Sub-pixel layouts leave a scroller a fraction short of its end. */
const AT_BOTTOM_PX = 2;
/** Further up than a screen, the way back down is worth a button. */
const FAR_SCREENS = 1;

export interface FollowBottom {
  /** How many items came below the last one seen at the bottom (0 while following). */
  unseen: number;
  /** More than a screen above the bottom. */
  far: boolean;
  onScroll: () => void;
  /** Back to the bottom and following it: the pill, or the reader's own post. */
  rejoin: () => void;
}

export function useFollowBottom(
  scroller: RefObject<HTMLElement | null>,
  content: RefObject<HTMLElement | null>,
  scrollToEnd: () => void,
  keys: { count: number; keyAt: (index: number) => string },
): FollowBottom {
  const following = useRef(true);
  const [, setFollowing] = useState(true);
  const [far, setFar] = useState(false);
  const lastTop = useRef(0);
  const lastSeenKey = useRef<string | undefined>(undefined);

  const follow = (value: boolean) => {
    following.current = value;
    setFollowing(value);
  };

  if (following.current && keys.count > 0) lastSeenKey.current = keys.keyAt(keys.count - 1);
  let unseen = 0;
  if (!following.current && lastSeenKey.current !== undefined) {
    for (let index = keys.count - 1; index >= 0 && keys.keyAt(index) !== lastSeenKey.current; index--) unseen++;
    if (unseen === keys.count) unseen = 0; // the last seen post is gone (another page replaced the list)
  }

  useLayoutEffect(() => {
    const observer = new ResizeObserver(() => {
      const element = scroller.current;
      if (following.current && element && element.scrollHeight - element.clientHeight - element.scrollTop > AT_BOTTOM_PX) scrollToEnd();
    });
    observer.observe(scroller.current!);
    observer.observe(content.current!);
    return () => observer.disconnect();
  }, []);

  return {
    unseen,
    far,
    onScroll: () => {
      const element = scroller.current!;
      const below = element.scrollHeight - element.clientHeight - element.scrollTop;
      const atBottom = below <= AT_BOTTOM_PX;
      setFar(below > FAR_SCREENS * element.clientHeight);
      if (atBottom && !following.current) follow(true);
      else if (!atBottom && following.current && element.scrollTop < lastTop.current) follow(false);
      lastTop.current = element.scrollTop;
    },
    rejoin: () => {
      follow(true);
      scrollToEnd();
    },
  };
}
