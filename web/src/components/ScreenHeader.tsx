/** The title bar of a full screen (settings, search, admin) with its way back to the chat. */
import { t } from '../i18n';
import { navigate } from '../state/route';

export function ScreenHeader({ title }: { title: string }) {
  return (
    <header class="screen-head">
      <button
        type="button"
        class="icon-button"
        aria-label={t('common.back')}
        onClick={() => (history.length > 1 ? history.back() : navigate('/'))}
      >
        ‹
      </button>
      <h1>{title}</h1>
    </header>
  );
}
