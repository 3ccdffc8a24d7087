/** Shows a lazily loaded screen (its own chunk) once its code has arrived. */
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n';

export function Lazy<P extends object>({ load, props }: { load: () => Promise<{ default: ComponentType<P> }>; props: P }) {
  const [Component, setComponent] = useState<ComponentType<P> | undefined>(undefined);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    load().then(
      (module) => setComponent(() => module.default),
      () => setFailed(true),
    );
  }, [load]);
  if (failed)
    return (
      <p class="notice" role="alert">
        {t('common.needsConnection')}
      </p>
    );
  return Component ? (
    <Component {...props} />
  ) : (
    <p class="notice" aria-busy="true">
      {t('common.loading')}
    </p>
  );
}
