/** The backup and export downloads: plain links, so the browser streams each archive straight to a file. */
import { t } from '../i18n';
import { BACKUP_URL, EXPORT_URL } from './admin-state';

export function Backup() {
  return (
    <section aria-labelledby="backup-heading">
      <h2 id="backup-heading">{t('admin.backup')}</h2>
      <p>{t('admin.backupExplain')}</p>
      <pre class="command" tabIndex={0}>
        <code>{t('admin.restoreCommand')}</code>
      </pre>
      <a class="button" href={BACKUP_URL} download>
        {t('admin.downloadBackup')}
      </a>
      <p>{t('admin.exportExplain')}</p>
      <a class="button" href={EXPORT_URL} download>
        {t('admin.downloadExport')}
      </a>
    </section>
  );
}
