/** Profile and preferences: name, password, language, theme, notifications; bot tokens; what HTTPS adds. */
import { useState } from 'preact/hooks';
import { t } from '../i18n';
import { askNotificationPermission, notificationsSupported } from '../state/notify';
import { outbox } from '../state/outbox';
import { changeDisplayName, changePassword, changePicture, logOut, me } from '../state/session';
import { users } from '../state/directory';
import { languageChoice, notifyLevel, theme, type LanguageChoice, type NotifyLevel, type Theme } from '../state/settings';
import { PASSWORD_RULES } from './AuthScreens';
import { Avatar } from './Avatar';
import { BotTokens } from './BotTokens';
import { Field } from './Field';
import { ScreenHeader } from './ScreenHeader';
import { useAction } from './useAction';
import { Problem } from './Problem';

function Choice<T extends string>({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: T;
  options: [T, string][];
  onChange: (value: T) => void;
}) {
  return (
    <div class="field">
      <label>
        {label}
        <select value={value} onChange={(event) => onChange(event.currentTarget.value as T)}>
          {options.map(([option, text]) => (
            <option key={option} value={option}>
              {text}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

export function SettingsScreen() {
  const [saved, setSaved] = useState<string | undefined>(undefined);
  const [permission, setPermission] = useState(notificationsSupported() ? Notification.permission : 'denied');
  const name = useAction(async (form: HTMLFormElement) => {
    await changeDisplayName(String(new FormData(form).get('displayName')));
    setSaved(t('settings.saved'));
  });
  const picture = useAction(async (file: File | null) => {
    await changePicture(file);
    setSaved(t(file ? 'settings.pictureSaved' : 'settings.pictureRemoved'));
  });
  const password = useAction(async (form: HTMLFormElement) => {
    const values = new FormData(form);
    await changePassword(String(values.get('current')), String(values.get('new')));
    form.reset();
    setSaved(t('settings.passwordChanged'));
  });
  return (
    <main class="screen">
      <ScreenHeader title={t('settings.title')} />
      {saved && (
        <p class="success" role="status">
          {saved}
        </p>
      )}
      <section aria-labelledby="profile-heading">
        <h2 id="profile-heading">{t('settings.profile')}</h2>
        <Problem error={name.error} />
        <form onSubmit={(event) => (event.preventDefault(), name.run(event.currentTarget))}>
          <Field label={t('account.displayName')} name="displayName" defaultValue={me.value?.displayName} required maxLength={64} />
          <button disabled={name.busy}>{t('common.save')}</button>
        </form>
        <h3 id="picture-heading">{t('settings.picture')}</h3>
        <Problem error={picture.error} />
        <div class="picture-setting" role="group" aria-labelledby="picture-heading">
          {me.value && <Avatar userId={me.value.id} size="large" />}
          <label class="button">
            {t('settings.choosePicture')}
            <input
              type="file"
              accept="image/jpeg,image/png"
              class="sr-only"
              disabled={picture.busy}
              onChange={(event) => {
                const file = event.currentTarget.files?.[0];
                event.currentTarget.value = '';
                if (file) void picture.run(file);
              }}
            />
          </label>
          {me.value && users.value.get(me.value.id)?.picture && (
            <button type="button" disabled={picture.busy} onClick={() => void picture.run(null)}>
              {t('settings.removePicture')}
            </button>
          )}
        </div>
        <h3>{t('settings.password')}</h3>
        <Problem error={password.error} />
        <form onSubmit={(event) => (event.preventDefault(), password.run(event.currentTarget))}>
          <Field label={t('account.currentPassword')} name="current" type="password" required autoComplete="current-password" />
          <Field
            label={t('account.newPassword')}
            name="new"
            type="password"
            autoComplete="new-password"
            hint={t('account.passwordHint')}
            {...PASSWORD_RULES}
          />
          <button disabled={password.busy}>{t('settings.changePassword')}</button>
        </form>
      </section>
      <section aria-labelledby="prefs-heading">
        <h2 id="prefs-heading">{t('settings.preferences')}</h2>
        <Choice<LanguageChoice>
          label={t('settings.language')}
          value={languageChoice.value}
          onChange={(value) => (languageChoice.value = value)}
          options={[
            ['browser', t('settings.languageBrowser')],
            ['en', 'English'],
            ['nl', 'Nederlands'],
            ['fr', 'Français'],
            ['de', 'Deutsch'],
          ]}
        />
        <Choice<Theme>
          label={t('settings.theme')}
          value={theme.value}
          onChange={(value) => (theme.value = value)}
          options={[
            ['system', t('settings.themeSystem')],
            ['light', t('settings.themeLight')],
            ['dark', t('settings.themeDark')],
          ]}
        />
        <Choice<NotifyLevel>
          label={t('settings.notifications')}
          value={notifyLevel.value}
          onChange={(value) => (notifyLevel.value = value)}
          options={[
            ['all', t('settings.notifyAll')],
            ['mentions', t('settings.notifyMentions')],
            ['none', t('settings.notifyNone')],
          ]}
        />
        {!window.isSecureContext ? (
          <p class="muted">{t('settings.notificationsNeedHttps')}</p>
        ) : (
          notificationsSupported() &&
          permission === 'default' && (
            <button type="button" onClick={() => void askNotificationPermission().then(setPermission)}>
              {t('settings.allowNotifications')}
            </button>
          )
        )}
        {window.isSecureContext && permission === 'denied' && <p class="muted">{t('settings.notificationsBlocked')}</p>}
      </section>
      <BotTokens />
      {!window.isSecureContext && (
        <section aria-labelledby="https-heading" class="callout">
          <h2 id="https-heading">{t('settings.httpsTitle')}</h2>
          <p>{t('settings.httpsExplain')}</p>
          <a href="/trust">{t('settings.httpsHowTo')}</a>
        </section>
      )}
      <section>
        <button
          type="button"
          class="danger"
          onClick={() =>
            (outbox.value.length === 0 || confirm(t('settings.logOutUnsent', { count: outbox.value.length }))) && void logOut()
          }
        >
          {t('settings.logOut')}
        </button>
      </section>
    </main>
  );
}
