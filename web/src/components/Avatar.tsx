/**
 * A person's face in the lists: the profile picture the box made, or initials on a colour of
 * their own. The colour comes from the user's id, so it is the same on every screen and every
 * box; each colour of the palette carries white text at WCAG AA contrast (at least 4.5:1).
 */
import { useState } from 'preact/hooks';
import { pictureUrl } from '../net/api';
import { users } from '../state/directory';

// Material 800-900 tones, each checked against white: 4.8:1 (#0277bd) and up.
const PALETTE = [
  '#c62828',
  '#ad1457',
  '#6a1b9a',
  '#4527a0',
  '#283593',
  '#1565c0',
  '#0277bd',
  '#006064',
  '#00695c',
  '#2e7d32',
  '#33691e',
  '#bf360c',
  '#4e342e',
  '#37474f',
];

/** FNV-1a over the id: any stable spread will do, this one is four lines. */
export function avatarColour(userId: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < userId.length; index++) hash = Math.imul(hash ^ userId.charCodeAt(index), 0x01000193);
  return PALETTE[(hash >>> 0) % PALETTE.length]!;
}

export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0]!, words[words.length - 1]!] : words;
  return letters.map((word) => [...word][0]!.toLocaleUpperCase()).join('') || '?';
}

/** Decorative beside a name that is read out anyway; `label` when the face stands alone. */
export function Avatar({ userId, size = 'small', label }: { userId: string; size?: 'small' | 'tiny' | 'large'; label?: string }) {
  const user = users.value.get(userId);
  const [failed, setFailed] = useState<string | undefined>(undefined);
  const picture = size === 'large' ? user?.picture?.large : user?.picture?.small;
  const className = `avatar avatar-${size}`;
  if (picture && failed !== picture) {
    return (
      <img
        class={className}
        src={pictureUrl(userId, picture)}
        alt={label ?? ''}
        aria-hidden={label ? undefined : 'true'}
        loading="lazy"
        decoding="async"
        onError={() => setFailed(picture)}
      />
    );
  }
  return (
    <span
      class={className}
      style={{ background: avatarColour(userId) }}
      role={label ? 'img' : undefined}
      aria-label={label}
      aria-hidden={label ? undefined : 'true'}
    >
      {initials(user?.displayName ?? user?.username ?? '?')}
    </span>
  );
}
