/** One post: author and time (unless grouped with the previous one), text, files, reactions, thread, actions. */
import { Paperclip, Pencil, Pin, PinOff, Reply, SmilePlus, Trash2 } from 'lucide';
import { useMemo, useState } from 'preact/hooks';
import { formatBytes, formatDateTime, formatTime, t } from '../i18n';
import { emojiChar, QUICK_REACTIONS } from '../lib/emoji';
import { markdownReady, renderMarkdown } from '../lib/markdown';
import { mentions } from '../lib/plain-text';
import { reactedBy } from '../lib/reactions';
import { fileUrl } from '../net/api';
import { channelIdsByName } from '../state/channels';
import { displayName } from '../state/directory';
import { showNotice } from '../state/notices';
import type { OutboxEntry } from '../state/outbox-entry';
import { discardEntry, retryEntry } from '../state/outbox';
import { editingPostId, startEditing, stopEditing } from '../state/editing';
import { deletePost, editPost, togglePin, toggleReaction } from '../state/post-actions';
import { navigate } from '../state/route';
import { me } from '../state/session';
import { openThread } from '../state/thread';
import type { Post, PostFile } from '../types';
import { Avatar } from './Avatar';
import { Lazy } from './Lazy';
import { errorMessage } from './useAction';
import { Icon } from './Icon';

const loadPicker = () => import('../emoji/EmojiPicker');
const loadViewer = () => import('./ImageViewer');

/** Pictures show at most this big: their room is set from their size before they load, so the list does not jump. */
const PICTURE_BOX = { width: 320, height: 240 };

function pictureWidth(file: PostFile): string | undefined {
  if (!file.width || !file.height) return undefined;
  return `${Math.round(file.width * Math.min(1, PICTURE_BOX.width / file.width, PICTURE_BOX.height / file.height))}px`;
}

function Files({ files }: { files: readonly PostFile[] }) {
  const [viewing, setViewing] = useState<number | undefined>(undefined);
  const pictures = files.filter((file) => file.thumbnailHash);
  // A plain click opens the viewer; a middle or modified click still opens the file in a tab.
  const view = (event: MouseEvent, file: PostFile) => {
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    setViewing(pictures.indexOf(file));
  };
  return (
    <div class="files">
      {files.map((file) =>
        file.thumbnailHash ? (
          <a
            key={file.hash}
            href={fileUrl(file.hash)}
            target="_blank"
            rel="noopener"
            class="image-link"
            onClick={(event) => view(event, file)}
          >
            <img
              src={fileUrl(file.thumbnailHash)}
              alt={file.name}
              width={file.width ?? undefined}
              height={file.height ?? undefined}
              loading="lazy"
              class={pictureWidth(file) ? undefined : 'unsized'}
              style={{ width: pictureWidth(file) }}
            />
          </a>
        ) : (
          <a key={file.hash} href={fileUrl(file.hash)} download={file.name} class="file-link">
            <Icon icon={Paperclip} /> {file.name} <span class="muted">({formatBytes(file.size)})</span>
          </a>
        ),
      )}
      {viewing !== undefined && (
        <Lazy
          load={loadViewer}
          props={{
            images: pictures.map((file) => ({ url: fileUrl(file.hash), name: file.name })),
            start: viewing,
            onClose: () => setViewing(undefined),
          }}
        />
      )}
    </div>
  );
}

/** A `~channel` link opens the channel in the app rather than reloading the page. */
function followChannelReference(event: MouseEvent): void {
  const link = (event.target as Element).closest<HTMLAnchorElement>('a.channel-reference');
  if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
  event.preventDefault();
  navigate(link.pathname);
}

/** The edit box opens focused, its caret after the text, ready to change its end. */
function caretAtEnd(area: HTMLTextAreaElement | null): void {
  if (!area || area === document.activeElement) return;
  area.focus();
  area.setSelectionRange(area.value.length, area.value.length);
}

const report = (promise: Promise<unknown>) => promise.catch((error: unknown) => showNotice(errorMessage(error)));

/** Parsed once per text and set of channel names: the list renders its posts on every scroll step. */
function useMarkdown(message: string): string {
  const names = channelIdsByName.value;
  const ready = markdownReady.value;
  const myName = me.value?.username;
  return useMemo(() => renderMarkdown(message, names, myName), [message, names, ready, myName]);
}

export function PostItem({ post, grouped, inThread }: { post: Post; grouped: boolean; inThread?: boolean }) {
  const editing = editingPostId.value === post.id;
  const [picking, setPicking] = useState(false);
  const html = useMarkdown(post.message);
  const user = me.value!;
  const mine = post.userId === user.id;
  const react = (emoji: string) => report(toggleReaction(post, emoji, user.id));
  const mentionsMe = !mine && !post.deleted && mentions(post.message, user.username);
  return (
    <div class={`post${grouped ? ' grouped' : ''}${mentionsMe ? ' mentions-me' : ''}`}>
      {mentionsMe && <span class="sr-only">{t('post.mentionsYou')}</span>}
      {!grouped && (
        <div class="post-head">
          <Avatar userId={post.userId} />
          <strong class="author">{displayName(post.userId)}</strong>
          <time dateTime={new Date(post.createdAt).toISOString()} title={formatDateTime(post.createdAt)}>
            {formatTime(post.createdAt)}
          </time>
          {post.pinned && (
            <span class="tag">
              <Icon icon={Pin} /> {t('post.pinned')}
            </span>
          )}
        </div>
      )}
      {post.deleted ? (
        <p class="muted deleted">{t('post.deleted')}</p>
      ) : editing ? (
        <form
          class="edit"
          onSubmit={(event) => {
            event.preventDefault();
            const message = String(new FormData(event.currentTarget).get('message'));
            stopEditing();
            if (message !== post.message) void report(editPost(post, message));
          }}
        >
          <textarea
            name="message"
            aria-label={t('post.editLabel')}
            defaultValue={post.message}
            rows={3}
            ref={caretAtEnd}
            onKeyDown={(event) => {
              if (event.key === 'Escape') stopEditing();
              // As in the composer: Enter saves, Shift+Enter makes a new line.
              if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
                event.preventDefault();
                event.currentTarget.form!.requestSubmit();
              }
            }}
          />
          <div class="row-buttons">
            <button class="primary">{t('common.save')}</button>
            <button type="button" onClick={stopEditing}>
              {t('common.cancel')}
            </button>
          </div>
        </form>
      ) : (
        <div class="markdown" dangerouslySetInnerHTML={{ __html: html }} onClick={followChannelReference} />
      )}
      {post.editedAt !== null && !post.deleted && <span class="muted edited">{t('post.edited')}</span>}
      {grouped && post.pinned && (
        <span class="tag">
          <Icon icon={Pin} /> {t('post.pinned')}
        </span>
      )}
      {post.files.length > 0 && <Files files={post.files} />}
      {post.reactions.length > 0 && (
        <div class="reactions">
          {post.reactions.map((reaction) => (
            <button
              type="button"
              key={reaction.emoji}
              class="reaction"
              aria-pressed={reactedBy(post, reaction.emoji, user.id)}
              title={reaction.userIds.map(displayName).join(', ')}
              onClick={() => react(reaction.emoji)}
            >
              {emojiChar(reaction.emoji)} <span>{reaction.userIds.length}</span>
            </button>
          ))}
        </div>
      )}
      {!inThread && post.replyCount > 0 && (
        <button type="button" class="link replies" onClick={() => openThread(post.id)}>
          {t('post.replies', { count: post.replyCount })}
        </button>
      )}
      {!post.deleted && !editing && (
        <div class="post-actions" role="toolbar" aria-label={t('post.actions')}>
          {QUICK_REACTIONS.slice(0, 2).map((emoji) => (
            <button type="button" key={emoji} class="icon-button" aria-label={t('post.react', { emoji })} onClick={() => react(emoji)}>
              {emojiChar(emoji)}
            </button>
          ))}
          <button
            type="button"
            class="icon-button"
            aria-label={t('post.moreReactions')}
            aria-expanded={picking}
            onClick={() => setPicking(!picking)}
          >
            <Icon icon={SmilePlus} />
          </button>
          {!inThread && (
            <button type="button" class="icon-button" aria-label={t('post.reply')} onClick={() => openThread(post.rootId ?? post.id)}>
              <Icon icon={Reply} />
            </button>
          )}
          <button
            type="button"
            class="icon-button"
            aria-label={post.pinned ? t('post.unpin') : t('post.pin')}
            onClick={() => report(togglePin(post))}
          >
            <Icon icon={post.pinned ? PinOff : Pin} />
          </button>
          {mine && (
            <button type="button" class="icon-button" aria-label={t('post.edit')} onClick={() => startEditing(post.id)}>
              <Icon icon={Pencil} />
            </button>
          )}
          {(mine || user.role === 'admin') && (
            <button
              type="button"
              class="icon-button"
              aria-label={t('post.delete')}
              onClick={() => confirm(t('post.confirmDelete')) && report(deletePost(post))}
            >
              <Icon icon={Trash2} />
            </button>
          )}
        </div>
      )}
      {picking && <Lazy load={loadPicker} props={{ onPick: (emoji: string) => (setPicking(false), react(emoji)) }} />}
    </div>
  );
}

export function PendingItem({ entry }: { entry: OutboxEntry }) {
  const html = useMarkdown(entry.message);
  return (
    <div class={`post pending ${entry.state}`}>
      <div class="post-head">
        <Avatar userId={entry.userId} />
        <strong class="author">{displayName(entry.userId)}</strong>
        <span class="tag" role="status">
          {entry.state === 'failed' ? t('outbox.failed') : t('outbox.pending')}
        </span>
      </div>
      <div class="markdown" dangerouslySetInnerHTML={{ __html: html }} onClick={followChannelReference} />
      {entry.attachments.length > 0 && (
        <p class="muted">
          <Icon icon={Paperclip} /> {entry.attachments.map((attachment) => attachment.name).join(', ')}
        </p>
      )}
      {entry.state === 'failed' && (
        <div class="row-buttons">
          <button type="button" onClick={() => retryEntry(entry.id)}>
            {t('common.retry')}
          </button>
          <button type="button" onClick={() => discardEntry(entry.id)}>
            {t('outbox.discard')}
          </button>
        </div>
      )}
    </div>
  );
}
