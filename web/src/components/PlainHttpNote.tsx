/** The note that plain HTTP cannot open the app without the box, with the way to HTTPS (`/trust`). */
import { ShieldAlert, X } from 'lucide';
import { t } from '../i18n';
import { dismissPlainHttpNote, plainHttpNoteShown } from '../state/plain-http';
import { Icon } from './Icon';

export function PlainHttpNote() {
  if (!plainHttpNoteShown.value) return null;
  return (
    <span class="plain-http-note">
      <Icon icon={ShieldAlert} />
      <span class="plain-http-text">
        {t('plainHttp.note')} <a href="/trust">{t('plainHttp.trust')}</a>
      </span>
      <button
        type="button"
        class="icon-button"
        aria-label={t('plainHttp.dismiss')}
        title={t('plainHttp.dismiss')}
        onClick={dismissPlainHttpNote}
      >
        <Icon icon={X} />
      </button>
    </span>
  );
}
