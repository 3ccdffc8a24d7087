/** Recent posts that mention me, newest first; each opens where it was written. */
import { useEffect, useRef } from 'preact/hooks';
import { ScreenHeader } from '../components/ScreenHeader';
import { useAction } from '../components/useAction';
import { t } from '../i18n';
import { renderPlain } from '../lib/plain-text';
import { focusOpened, PostResult } from './PostResult';
import { hasMoreMentions, loadMentions, loadOlderMentions, mentionPosts, openedMentionId } from './mentions-state';
import { Problem } from '../components/Problem';

export default function MentionsScreen() {
  const { busy, error, run } = useAction(loadMentions);
  const older = useAction(loadOlderMentions);
  const list = useRef<HTMLOListElement>(null);
  useEffect(() => {
    focusOpened(list.current, openedMentionId.value);
    void run();
  }, []);
  const posts = mentionPosts.value;
  return (
    <main class="screen">
      <ScreenHeader title={t('mentions.title')} />
      <Problem error={error ?? older.error} />
      {posts === undefined ? (
        busy && (
          <p class="notice" aria-busy="true">
            {t('common.loading')}
          </p>
        )
      ) : posts.length === 0 ? (
        <p>{t('mentions.none')}</p>
      ) : (
        <ol class="results" ref={list} aria-label={t('mentions.title')}>
          {posts.map((post) => (
            <PostResult key={post.id} post={post} onOpen={() => (openedMentionId.value = post.id)}>
              <p class="snippet">{renderPlain(post.message) || post.files.map((file) => file.name).join(', ')}</p>
            </PostResult>
          ))}
        </ol>
      )}
      {hasMoreMentions.value && (
        <button type="button" disabled={older.busy} onClick={() => older.run()}>
          {t('mentions.more')}
        </button>
      )}
    </main>
  );
}
