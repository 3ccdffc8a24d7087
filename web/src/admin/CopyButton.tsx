/**
 * Copies a text. The clipboard API exists only in secure contexts, and the box is usually
 * reached over plain http on the LAN: there the text is selected in a field and copied with
 * the older command, which works there too.
 */
import { useState } from 'preact/hooks';
import { t } from '../i18n';

async function copy(text: string): Promise<void> {
  if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
  const field = document.createElement('textarea');
  field.value = text;
  field.setAttribute('readonly', '');
  document.body.append(field);
  field.select();
  document.execCommand('copy');
  field.remove();
}

export function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button type="button" class="small" aria-label={label} onClick={() => void copy(text).then(() => setCopied(true), () => undefined)}>
      {copied ? t('fleet.copied') : t('fleet.copy')}
    </button>
  );
}
