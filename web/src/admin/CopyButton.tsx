/**
 * Copies a text. The clipboard API exists only in secure contexts (and may be refused), and
 * the box is usually reached over plain http on the LAN: then the text is selected in a field
 * and copied with the older command, which works there too.
 */
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n';

async function copy(text: string): Promise<void> {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      return await navigator.clipboard.writeText(text);
    } catch {
      // refused (no permission, page not focused): the older way below
    }
  }
  const field = document.createElement('textarea');
  field.value = text;
  field.setAttribute('readonly', '');
  document.body.append(field);
  field.select();
  const copied = document.execCommand('copy');
  field.remove();
  if (!copied) throw new Error('copy refused');
}

export function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 3000);
    return () => clearTimeout(timer);
  }, [copied]);
  return (
    <button
      type="button"
      class="small"
      aria-label={copied ? t('fleet.copied') : label}
      onClick={() =>
        void copy(text).then(
          () => setCopied(true),
          () => undefined,
        )
      }
    >
      {copied ? t('fleet.copied') : t('fleet.copy')}
    </button>
  );
}
