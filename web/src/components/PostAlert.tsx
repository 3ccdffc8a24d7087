/** The alert for a mention or a direct message elsewhere (state/post-alert.ts): opens that channel. */
import { t } from '../i18n';
import { dismissPostAlert, postAlert } from '../state/post-alert';
import { navigate } from '../state/route';

export function PostAlert() {
  const alert = postAlert.value;
  if (!alert) return null;
  return (
    <div class="post-alert" role="status">
      <button
        type="button"
        class="post-alert-open"
        onClick={() => {
          dismissPostAlert();
          navigate(`/c/${alert.channelId}`);
        }}
      >
        <strong>{t('notify.title', { name: alert.author, channel: alert.channel })}</strong>
        <span class="post-alert-text">{alert.text}</span>
      </button>
      <button type="button" class="post-alert-close" aria-label={t('common.close')} onClick={dismissPostAlert}>
        ×
      </button>
    </div>
  );
}
