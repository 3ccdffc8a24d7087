/** The title bar of a full screen (settings, search, admin) with its way back to the chat. */
import { ChevronLeft } from 'lucide';
import { t } from '../i18n';
import { navigate } from '../state/route';
import { Icon } from './Icon';

export function ScreenHeader({ title }: { title: string }) {
  return (
    <header class="screen-head">
      <button
        type="button"
        class="icon-button"
        aria-label={t('common.back')}
        onClick={() => (history.length > 1 ? history.back() : navigate('/'))}
      >
        <Icon icon={ChevronLeft} />
      </button>
      <h1>{title}</h1>
    </header>
  );
}
