/**
 * Writing a post: markdown text, @-mention completion, attachments (images get a thumbnail
 * drawn here), the draft saved per channel and thread, a typing signal to the others.
 * Enter sends, Shift+Enter makes a new line. Sending puts the post in the outbox, which works
 * the same online and offline.
 */
import { useRef, useState } from 'preact/hooks';
import { t } from '../i18n';
import { describeImage } from '../lib/thumbnail';
import { users } from '../state/directory';
import { draftKey, drafts, setDraft } from '../state/drafts';
import { sendTyping } from '../state/live';
import type { Attachment } from '../state/outbox-entry';
import { queuePost } from '../state/outbox';
import { me } from '../state/session';
import type { User } from '../types';

const MENTION_AT_CARET = /(^|\s)@([a-z0-9._-]*)$/;
const MAX_SUGGESTIONS = 6;

export function Composer({ channelId, rootId, label, disabled }: { channelId: string; rootId: string | null; label: string; disabled?: boolean }) {
  const key = draftKey(channelId, rootId);
  const text = drafts.value.get(key) ?? '';
  const [attachments, setAttachments] = useState<Attachment[]>([]);
  const [suggestions, setSuggestions] = useState<User[]>([]);
  const [active, setActive] = useState(0);
  const area = useRef<HTMLTextAreaElement>(null);
  const listId = `mentions-${rootId ?? channelId}`;

  const suggest = (value: string, caret: number) => {
    const match = MENTION_AT_CARET.exec(value.slice(0, caret));
    const prefix = match?.[2]?.toLowerCase();
    setSuggestions(prefix === undefined ? [] : [...users.value.values()].filter((user) => user.active && (user.username.startsWith(prefix) || user.displayName.toLowerCase().startsWith(prefix))).slice(0, MAX_SUGGESTIONS));
    setActive(0);
  };

  const complete = (user: User) => {
    const element = area.current!;
    const before = element.value.slice(0, element.selectionStart).replace(/@[a-z0-9._-]*$/, `@${user.username} `);
    const value = before + element.value.slice(element.selectionStart);
    setDraft(key, value);
    setSuggestions([]);
    requestAnimationFrame(() => {
      element.focus();
      element.setSelectionRange(before.length, before.length);
    });
  };

  const send = () => {
    const message = text.trim();
    if (!message && attachments.length === 0) return;
    void queuePost({ channelId, rootId, message, userId: me.value!.id, attachments });
    setDraft(key, '');
    setAttachments([]);
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (suggestions.length > 0) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        setActive((active + (event.key === 'ArrowDown' ? 1 : suggestions.length - 1)) % suggestions.length);
        return;
      }
      if (event.key === 'Enter' || event.key === 'Tab') {
        event.preventDefault();
        complete(suggestions[active]!);
        return;
      }
      if (event.key === 'Escape') {
        setSuggestions([]);
        return;
      }
    }
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      send();
    }
  };

  const attach = async (files: FileList | null) => {
    const chosen = await Promise.all([...(files ?? [])].map(async (file): Promise<Attachment> => {
      const image = await describeImage(file);
      return { blob: file, name: file.name, ...(image ? { width: image.width, height: image.height, thumbnail: image.thumbnail } : {}) };
    }));
    setAttachments([...attachments, ...chosen].slice(0, 10));
  };

  return (
    <form class="composer" onSubmit={(event) => (event.preventDefault(), send())}>
      {attachments.length > 0 && (
        <ul class="attachments" aria-label={t('composer.attachments')}>
          {attachments.map((attachment, index) => (
            <li key={index}>
              {attachment.thumbnail ? <img src={URL.createObjectURL(attachment.thumbnail)} alt="" /> : <span aria-hidden="true">📎</span>}
              <span>{attachment.name}</span>
              <button type="button" class="icon-button" aria-label={t('composer.remove', { name: attachment.name })} onClick={() => setAttachments(attachments.filter((_, at) => at !== index))}>✕</button>
            </li>
          ))}
        </ul>
      )}
      {suggestions.length > 0 && (
        <ul class="suggestions" role="listbox" id={listId} aria-label={t('composer.mentions')}>
          {suggestions.map((user, index) => (
            <li key={user.id} id={`${listId}-${index}`} role="option" aria-selected={index === active} onMouseDown={(event) => (event.preventDefault(), complete(user))}>
              <strong>{user.displayName}</strong> <span class="muted">@{user.username}</span>
            </li>
          ))}
        </ul>
      )}
      <div class="composer-row">
        <label class="icon-button attach" title={t('composer.attach')}>
          <span aria-hidden="true">📎</span>
          <span class="sr-only">{t('composer.attach')}</span>
          <input type="file" multiple class="sr-only" disabled={disabled} onChange={(event) => void attach(event.currentTarget.files).then(() => ((event.target as HTMLInputElement).value = ''))} />
        </label>
        <textarea
          ref={area}
          rows={1}
          value={text}
          disabled={disabled}
          aria-label={label}
          placeholder={label}
          aria-autocomplete="list"
          aria-controls={suggestions.length > 0 ? listId : undefined}
          aria-activedescendant={suggestions.length > 0 ? `${listId}-${active}` : undefined}
          onInput={(event) => {
            const element = event.currentTarget;
            setDraft(key, element.value);
            suggest(element.value, element.selectionStart);
            if (element.value) sendTyping(channelId, rootId);
          }}
          onKeyDown={onKeyDown}
        />
        <button class="primary send" disabled={disabled} aria-label={t('composer.send')}>➤</button>
      </div>
    </form>
  );
}
