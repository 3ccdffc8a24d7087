/**
 * Writing a post: markdown text, @-mention and ~channel completion, attachments (chosen, pasted,
 * or dropped anywhere on the channel or thread; images get a thumbnail drawn here), the draft
 * saved per channel and thread, a typing signal to the others. Enter sends, Shift+Enter makes a
 * new line, ↑ in an empty composer edits my last post here. Sending puts the post in the outbox,
 * which works the same online and offline.
 */
import { Paperclip, SendHorizontal, X } from 'lucide';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { t } from '../i18n';
import { describeImage } from '../lib/thumbnail';
import { channels, isConversation } from '../state/channels';
import { currentTeam, users } from '../state/directory';
import { draftKey, drafts, setDraft } from '../state/drafts';
import { startEditing } from '../state/editing';
import { sendTyping } from '../state/live';
import type { Attachment } from '../state/outbox-entry';
import { queuePost } from '../state/outbox';
import { postsByChannel } from '../state/posts';
import { me } from '../state/session';
import { Avatar } from './Avatar';
import { type Completer, useCompletion } from './useCompletion';
import { Icon } from './Icon';
import { useFileDrop } from './useFileDrop';

const MENTION_AT_CARET = /(^|\s)@([a-z0-9._-]*)$/;
const CHANNEL_AT_CARET = /(^|\s)~([a-z0-9_-]*)$/;

const startsWith = (typed: string, ...names: string[]) => names.some((name) => name.toLowerCase().startsWith(typed));

/** People to @-mention, and the current team's channels to link with ~name. */
const completers = (): Completer[] => [
  {
    pattern: MENTION_AT_CARET,
    label: t('composer.mentions'),
    suggest: (typed) =>
      [...users.value.values()]
        .filter((user) => user.active && startsWith(typed, user.username, user.displayName))
        .map((user) => ({
          key: user.id,
          insert: `@${user.username}`,
          content: (
            <>
              <Avatar userId={user.id} size="tiny" /> <strong>{user.displayName}</strong> <span class="muted">@{user.username}</span>
            </>
          ),
        })),
  },
  {
    pattern: CHANNEL_AT_CARET,
    label: t('composer.channels'),
    suggest: (typed) =>
      channels.value
        .filter(
          (channel) =>
            !isConversation(channel) && channel.teamId === currentTeam.value?.id && startsWith(typed, channel.name, channel.displayName),
        )
        .map((channel) => ({
          key: channel.id,
          insert: `~${channel.name}`,
          content: (
            <>
              <strong>{channel.displayName}</strong> <span class="muted">~{channel.name}</span>
            </>
          ),
        })),
  },
];

/** A thumbnail drawn here, shown by an object URL made once and released with it. */
function Thumbnail({ image }: { image: Blob }) {
  const url = useMemo(() => URL.createObjectURL(image), [image]);
  useEffect(() => () => URL.revokeObjectURL(url), [url]);
  return <img src={url} alt="" />;
}

export function Composer({
  channelId,
  rootId,
  label,
  disabled,
}: {
  channelId: string;
  rootId: string | null;
  label: string;
  disabled?: boolean;
}) {
  const key = draftKey(channelId, rootId);
  const text = drafts.value.get(key) ?? '';
  const [attachments, setAttachments] = useState<Attachment[]>([]);
  const area = useRef<HTMLTextAreaElement>(null);
  const form = useRef<HTMLFormElement>(null);
  const completion = useCompletion(completers(), area, `completions-${rootId ?? channelId}`, (value) => setDraft(key, value));

  const send = () => {
    const message = text.trim();
    if (!message && attachments.length === 0) return;
    void queuePost({ channelId, rootId, message, userId: me.value!.id, attachments });
    setDraft(key, '');
    setAttachments([]);
  };

  /** My newest post that is not deleted, in this channel's main list or in this thread. */
  const myLastPost = () =>
    (postsByChannel.value.get(channelId) ?? []).findLast(
      (post) =>
        post.userId === me.value?.id && !post.deleted && (rootId ? post.id === rootId || post.rootId === rootId : post.rootId === null),
    );

  const onKeyDown = (event: KeyboardEvent) => {
    if (completion.onKeyDown(event)) return;
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      send();
    }
    if (event.key === 'ArrowUp' && text === '' && attachments.length === 0 && !event.isComposing) {
      const post = myLastPost();
      if (!post) return;
      event.preventDefault();
      startEditing(post.id, area.current ?? undefined);
    }
  };

  const attach = async (files: readonly File[]) => {
    const chosen = await Promise.all(
      files.map(async (file): Promise<Attachment> => {
        const image = await describeImage(file);
        return { blob: file, name: file.name, ...(image ? { width: image.width, height: image.height, thumbnail: image.thumbnail } : {}) };
      }),
    );
    setAttachments((current) => [...current, ...chosen].slice(0, 10));
  };

  useFileDrop(form, t('composer.dropHere'), disabled ? undefined : (files) => void attach(files));

  return (
    <form class="composer" ref={form} onSubmit={(event) => (event.preventDefault(), send())}>
      {attachments.length > 0 && (
        <ul class="attachments" aria-label={t('composer.attachments')}>
          {attachments.map((attachment, index) => (
            <li key={index}>
              {attachment.thumbnail ? <Thumbnail image={attachment.thumbnail} /> : <Icon icon={Paperclip} />}
              <span>{attachment.name}</span>
              <button
                type="button"
                class="icon-button"
                aria-label={t('composer.remove', { name: attachment.name })}
                onClick={() => setAttachments(attachments.filter((_, at) => at !== index))}
              >
                <Icon icon={X} />
              </button>
            </li>
          ))}
        </ul>
      )}
      {completion.list}
      <div class="composer-row">
        <label class="icon-button attach" title={t('composer.attach')}>
          <Icon icon={Paperclip} />
          <span class="sr-only">{t('composer.attach')}</span>
          <input
            type="file"
            multiple
            class="sr-only"
            disabled={disabled}
            onChange={(event) =>
              void attach([...(event.currentTarget.files ?? [])]).then(() => ((event.target as HTMLInputElement).value = ''))
            }
          />
        </label>
        <textarea
          ref={area}
          rows={1}
          value={text}
          disabled={disabled}
          aria-label={label}
          placeholder={label}
          {...completion.inputProps}
          onInput={(event) => {
            const element = event.currentTarget;
            setDraft(key, element.value);
            completion.update(element.value, element.selectionStart);
            if (element.value) sendTyping(channelId, rootId);
          }}
          onKeyDown={onKeyDown}
          onPaste={(event) => {
            // A copied picture (a screenshot) comes as a file; pasted text stays text.
            const files = [...(event.clipboardData?.files ?? [])];
            if (files.length === 0 || disabled) return;
            event.preventDefault();
            void attach(files);
          }}
        />
        <button class="primary send" disabled={disabled} aria-label={t('composer.send')}>
          <Icon icon={SendHorizontal} />
        </button>
      </div>
    </form>
  );
}
