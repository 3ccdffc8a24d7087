/**
 * Whether a person is online, beside their name: a filled dot or an empty ring (shape, not only
 * colour, tells them apart) and the word for screen readers.
 */
import { t } from '../i18n';
import { online } from '../state/presence';

export function OnlineDot({ userId }: { userId: string }) {
  const isOnline = online.value.has(userId);
  const label = t(isOnline ? 'presence.online' : 'presence.offline');
  return (
    <span class={`presence${isOnline ? ' online' : ''}`} title={label}>
      <span class="sr-only"> {label}</span>
    </span>
  );
}
