/** The search screen (a lazy chunk): a query with filters, ranked results with the matches marked. */
import { useState } from 'preact/hooks';
import { ScreenHeader } from '../components/ScreenHeader';
import { useAction } from '../components/useAction';
import { formatDateTime, t } from '../i18n';
import { channels, channelTitle } from '../state/channels';
import { displayName } from '../state/directory';
import { navigate } from '../state/route';
import { openThread } from '../state/thread';
import { hasMore, results, search, type SearchResult } from './search-state';

function Snippet({ snippet }: { snippet: SearchResult['snippet'] }) {
  const parts = [];
  let at = 0;
  for (const [start, end] of snippet.marks) {
    parts.push(snippet.text.slice(at, start), <mark key={start}>{snippet.text.slice(start, end)}</mark>);
    at = end;
  }
  parts.push(snippet.text.slice(at));
  return <p class="snippet">{parts}</p>;
}

export default function SearchScreen() {
  const [query, setQuery] = useState('');
  const { busy, error, run } = useAction(search);
  const open = (result: SearchResult) => {
    navigate(`/c/${result.post.channelId}`);
    if (result.post.rootId) setTimeout(() => openThread(result.post.rootId!), 0);
  };
  return (
    <main class="screen">
      <ScreenHeader title={t('search.title')} />
      <form role="search" onSubmit={(event) => (event.preventDefault(), query.trim() && run(query.trim()))}>
        <div class="field">
          <label for="search-query">{t('search.label')}</label>
          <div class="row">
            <input id="search-query" type="search" value={query} onInput={(event) => setQuery(event.currentTarget.value)} aria-describedby="search-help" autoFocus />
            <button class="primary" disabled={busy}>{t('search.submit')}</button>
          </div>
          <p class="hint" id="search-help">{t('search.help')}</p>
        </div>
      </form>
      {error && <p class="error" role="alert">{error}</p>}
      <div aria-live="polite">
        {results.value?.length === 0 && <p>{t('search.none')}</p>}
        {results.value && results.value.length > 0 && (
          <ol class="results">
            {results.value.map((result) => {
              const channel = channels.value.find((candidate) => candidate.id === result.post.channelId);
              return (
                <li key={result.post.id}>
                  <button type="button" class="result" onClick={() => open(result)}>
                    <span class="muted">{channel ? channelTitle(channel) : ''} · {displayName(result.post.userId)} · {formatDateTime(result.post.createdAt)}</span>
                    <Snippet snippet={result.snippet} />
                  </button>
                </li>
              );
            })}
          </ol>
        )}
        {hasMore.value && <button type="button" disabled={busy} onClick={() => run(query.trim(), true)}>{t('search.more')}</button>}
      </div>
    </main>
  );
}
