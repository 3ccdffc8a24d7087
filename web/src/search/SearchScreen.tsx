/**
 * The search screen (a lazy chunk): a query with filter controls beside it (on a phone folded
 * into a "Filters" disclosure, so the results stay in view), ranked results with the matches marked.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ScreenHeader } from '../components/ScreenHeader';
import { useAction } from '../components/useAction';
import { t } from '../i18n';
import { channels, channelTitle, isConversation } from '../state/channels';
import { users } from '../state/directory';
import { focusOpened, PostResult } from './PostResult';
import { composeQuery, filterCount, NO_FILTERS, type SearchFilters } from './search-query';
import { filters, hasMore, openedPostId, results, search, typedQuery, type SearchResult } from './search-state';
import { Problem } from '../components/Problem';

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

function FilterControls({ change }: { change: (next: Partial<SearchFilters>) => void }) {
  const current = filters.value;
  const teamChannels = channels.value.filter((channel) => !isConversation(channel));
  const conversations = channels.value.filter(isConversation);
  const people = [...users.value.values()].sort((a, b) => a.displayName.localeCompare(b.displayName));
  return (
    <>
      <div class="field">
        <label for="search-channel">{t('search.channel')}</label>
        <select id="search-channel" value={current.channelId} onChange={(event) => change({ channelId: event.currentTarget.value })}>
          <option value="">{t('search.anyChannel')}</option>
          <optgroup label={t('sidebar.channels')}>
            {teamChannels.map((channel) => (
              <option key={channel.id} value={channel.id}>
                {channelTitle(channel)}
              </option>
            ))}
          </optgroup>
          {conversations.length > 0 && (
            <optgroup label={t('sidebar.conversations')}>
              {conversations.map((channel) => (
                <option key={channel.id} value={channel.id}>
                  {channelTitle(channel)}
                </option>
              ))}
            </optgroup>
          )}
        </select>
      </div>
      <div class="field">
        <label for="search-person">{t('search.person')}</label>
        <select id="search-person" value={current.userId} onChange={(event) => change({ userId: event.currentTarget.value })}>
          <option value="">{t('search.anyone')}</option>
          {people.map((user) => (
            <option key={user.id} value={user.id}>
              {user.displayName} (@{user.username})
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="search-after">{t('search.after')}</label>
        <input
          id="search-after"
          type="date"
          value={current.after}
          max={current.before || undefined}
          onChange={(event) => change({ after: event.currentTarget.value })}
        />
      </div>
      <div class="field">
        <label for="search-before">{t('search.before')}</label>
        <input
          id="search-before"
          type="date"
          value={current.before}
          min={current.after || undefined}
          onChange={(event) => change({ before: event.currentTarget.value })}
        />
      </div>
      <label class="check">
        <input type="checkbox" checked={current.hasFile} onChange={(event) => change({ hasFile: event.currentTarget.checked })} />{' '}
        {t('search.hasFile')}
      </label>
    </>
  );
}

export default function SearchScreen() {
  const [filtersOpen, setFiltersOpen] = useState(false);
  const { busy, error, run } = useAction(search);
  const list = useRef<HTMLOListElement>(null);
  useEffect(() => focusOpened(list.current, openedPostId.value), []);

  const query = (next: SearchFilters = filters.value) => composeQuery(typedQuery.value, next, (id) => users.value.get(id)?.username);
  const submit = (next?: SearchFilters) => {
    const text = query(next);
    if (text) void run(text);
  };
  // A control applies at once, like a filter typed and searched.
  const change = (part: Partial<SearchFilters>) => {
    filters.value = { ...filters.value, ...part };
    submit();
  };
  const count = filterCount(filters.value);
  return (
    <main class="screen">
      <ScreenHeader title={t('search.title')} />
      <form role="search" onSubmit={(event) => (event.preventDefault(), submit())}>
        <div class="field">
          <label for="search-query">{t('search.label')}</label>
          <div class="row">
            <input
              id="search-query"
              type="search"
              value={typedQuery.value}
              onInput={(event) => (typedQuery.value = event.currentTarget.value)}
              aria-describedby="search-help"
              autoFocus={!results.value}
            />
            <button class="primary" disabled={busy}>
              {t('search.submit')}
            </button>
          </div>
          <p class="hint" id="search-help">
            {t('search.help')}
          </p>
        </div>
        <button
          type="button"
          class="filters-toggle"
          aria-expanded={filtersOpen}
          aria-controls="search-filters"
          onClick={() => setFiltersOpen(!filtersOpen)}
        >
          {count > 0 ? t('search.filtersOn', { count }) : t('search.filters')}
        </button>
        <fieldset id="search-filters" class={`filters${filtersOpen ? ' open' : ''}`}>
          <legend class="sr-only">{t('search.filters')}</legend>
          <FilterControls change={change} />
          {count > 0 && (
            <button type="button" class="small" onClick={() => change(NO_FILTERS)}>
              {t('search.clearFilters')}
            </button>
          )}
        </fieldset>
      </form>
      <Problem error={error} />
      <div aria-live="polite">
        {results.value?.length === 0 && <p>{t('search.none')}</p>}
        {results.value && results.value.length > 0 && (
          <ol class="results" ref={list}>
            {results.value.map((result) => (
              <PostResult key={result.post.id} post={result.post} onOpen={() => (openedPostId.value = result.post.id)}>
                <Snippet snippet={result.snippet} />
              </PostResult>
            ))}
          </ol>
        )}
        {hasMore.value && (
          <button type="button" disabled={busy} onClick={() => run('', true)}>
            {t('search.more')}
          </button>
        )}
      </div>
    </main>
  );
}
