/** Tells the person, once, that a merge with another box's history changed one of their names. */
import { t } from '../i18n';
import { dismissNameClashes, nameClashNotices } from '../state/name-clashes';

export function NameClashNotice() {
  const clashes = nameClashNotices.value;
  if (clashes.length === 0) return null;
  return (
    <span class="name-clash">
      {clashes.map((clash) => (
        <span key={clash.id}>{t(`clash.${clash.kind}`, { requested: clash.requested, name: clash.name })}</span>
      ))}
      <button type="button" class="small" onClick={dismissNameClashes}>
        {t('clash.ok')}
      </button>
    </span>
  );
}
