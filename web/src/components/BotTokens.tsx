/** The settings' bot tokens: make one for a script (its secret shown once, ready to copy), see them, revoke them. */
import { useEffect, useState } from 'preact/hooks';
import { formatDateTime, t } from '../i18n';
import { botTokens, createBotToken, loadBotTokens, revokeBotToken } from '../state/tokens';
import { Field } from './Field';
import { useAction } from './useAction';
import { Problem } from './Problem';

export function BotTokens() {
  const [secret, setSecret] = useState<string | undefined>(undefined);
  const load = useAction(loadBotTokens);
  useEffect(() => void load.run(), []);
  const create = useAction(async (form: HTMLFormElement) => {
    setSecret(await createBotToken(String(new FormData(form).get('name')).trim()));
    form.reset();
  });
  const revoke = useAction(revokeBotToken);
  const error = load.error ?? create.error ?? revoke.error;
  const list = botTokens.value;
  return (
    <section aria-labelledby="tokens-heading">
      <h2 id="tokens-heading">{t('tokens.title')}</h2>
      <p class="muted">{t('tokens.explain')}</p>
      <Problem error={error} />
      {secret && (
        <div class="field token-secret">
          <label for="token-secret">{t('tokens.secret')}</label>
          <input
            id="token-secret"
            readOnly
            value={secret}
            spellcheck={false}
            aria-describedby="token-secret-hint"
            onFocus={(event) => event.currentTarget.select()}
          />
          <p class="hint" id="token-secret-hint">
            {t('tokens.shown')} {t('tokens.howTo')}
          </p>
        </div>
      )}
      {list &&
        (list.length === 0 ? (
          <p>{t('tokens.none')}</p>
        ) : (
          <ul class="plain-list">
            {list.map((token) => (
              <li key={token.id} class="row">
                <span>
                  <strong>{token.name}</strong> <span class="muted">{t('tokens.created', { date: formatDateTime(token.createdAt) })}</span>
                </span>
                <button
                  type="button"
                  class="small"
                  disabled={revoke.busy}
                  aria-label={t('tokens.revokeNamed', { name: token.name })}
                  onClick={() => revoke.run(token.id)}
                >
                  {t('tokens.revoke')}
                </button>
              </li>
            ))}
          </ul>
        ))}
      <form class="inline-form" onSubmit={(event) => (event.preventDefault(), create.run(event.currentTarget))}>
        <Field label={t('tokens.name')} name="name" required maxLength={64} />
        <button disabled={create.busy}>{t('tokens.create')}</button>
      </form>
    </section>
  );
}
