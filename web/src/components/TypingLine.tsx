/** "Anna is typing…", announced politely to screen readers. */
import { t } from '../i18n';
import { displayName } from '../state/directory';
import { typistsIn } from '../state/typing';

export function TypingLine({ channelId, rootId }: { channelId: string; rootId: string | null }) {
  const names = typistsIn(channelId, rootId).map(displayName);
  return (
    <p class="typing" aria-live="polite">
      {names.length === 1 ? t('typing.one', { name: names[0]! }) : names.length > 1 ? t('typing.many', { names: names.join(', ') }) : ''}
    </p>
  );
}
