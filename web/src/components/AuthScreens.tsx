/** The screens before the chat: first start, log in, join by invite, set a new password. */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n';
import { enter } from '../state/boot';
import { slug } from '../lib/slug';
import { navigate } from '../state/route';
import { inviteTeam, joinFleet, logIn, register, resetPassword, setup } from '../state/session';
import { Field } from './Field';
import { useAction } from './useAction';
import { Problem } from './Problem';

function formValues(event: Event): Record<string, string> {
  event.preventDefault();
  return Object.fromEntries([...new FormData(event.currentTarget as HTMLFormElement)].map(([key, value]) => [key, String(value)]));
}

function AuthFrame({
  title,
  intro,
  error,
  children,
}: {
  title: string;
  intro?: string;
  error: string | undefined;
  children: ComponentChildren;
}) {
  return (
    <main class="auth">
      <div class="auth-card">
        <p class="brand" aria-hidden="true">
          Hail
        </p>
        <h1>{title}</h1>
        {intro && <p>{intro}</p>}
        <Problem error={error} />
        {children}
      </div>
    </main>
  );
}

export const PASSWORD_RULES = { minLength: 8, maxLength: 256, required: true } as const;
const USERNAME_RULES = { pattern: '[a-z0-9][a-z0-9._\\-]{1,31}', required: true, autoCapitalize: 'none', spellcheck: false } as const;

export function SetupScreen() {
  const { busy, error, run } = useAction(async (values: Record<string, string>) => {
    await setup({
      code: values.code!.trim(),
      username: values.username!,
      password: values.password!,
      displayName: values.displayName!,
      teamName: slug(values.teamDisplayName!, 'crew'),
      teamDisplayName: values.teamDisplayName!,
    });
    await enter();
  });
  const [joining, setJoining] = useState(false);
  if (joining) return <JoinFleetScreen back={() => setJoining(false)} />;
  return (
    <AuthFrame title={t('setup.title')} intro={t('setup.intro')} error={error}>
      <p>
        <button type="button" class="link" onClick={() => setJoining(true)}>
          {t('setup.joinFleet')}
        </button>
      </p>
      <form onSubmit={(event) => run(formValues(event))}>
        <Field label={t('setup.code')} name="code" required autoComplete="one-time-code" hint={t('setup.codeHint')} />
        <Field label={t('setup.team')} name="teamDisplayName" required maxLength={64} />
        <Field label={t('account.displayName')} name="displayName" required maxLength={64} autoComplete="name" />
        <Field label={t('account.username')} name="username" autoComplete="username" hint={t('account.usernameHint')} {...USERNAME_RULES} />
        <Field
          label={t('account.password')}
          name="password"
          type="password"
          autoComplete="new-password"
          hint={t('account.passwordHint')}
          {...PASSWORD_RULES}
        />
        <button class="primary" disabled={busy}>
          {t('setup.submit')}
        </button>
      </form>
    </AuthFrame>
  );
}

/** A new box that joins a fleet: the fleet's history and accounts come to it. */
function JoinFleetScreen({ back }: { back: () => void }) {
  const { busy, error, run } = useAction((values: Record<string, string>) => joinFleet(values.code!.trim(), values.invitation!.trim()));
  return (
    <AuthFrame title={t('setup.joinTitle')} intro={t('setup.joinIntro')} error={error}>
      <form onSubmit={(event) => run(formValues(event))}>
        <Field label={t('setup.code')} name="code" required autoComplete="one-time-code" hint={t('setup.codeHint')} />
        <div class="field">
          <label for="join-invitation">{t('setup.invitation')}</label>
          <textarea
            id="join-invitation"
            name="invitation"
            required
            rows={4}
            spellcheck={false}
            autoCapitalize="none"
            aria-describedby="join-invitation-hint"
          />
          <p class="hint" id="join-invitation-hint">
            {t('setup.invitationHint')}
          </p>
        </div>
        <button class="primary" disabled={busy}>
          {busy ? t('setup.joining') : t('setup.joinSubmit')}
        </button>
      </form>
      <p>
        <button type="button" class="link" onClick={back}>
          {t('setup.startNew')}
        </button>
      </p>
    </AuthFrame>
  );
}

export function LoginScreen() {
  const { busy, error, run } = useAction(async (values: Record<string, string>) => logIn(values.username!, values.password!).then(enter));
  return (
    <AuthFrame title={t('login.title')} intro={t('login.intro')} error={error}>
      <form onSubmit={(event) => run(formValues(event))}>
        <Field label={t('account.username')} name="username" required autoComplete="username" autoCapitalize="none" spellcheck={false} />
        <Field label={t('account.password')} name="password" type="password" required autoComplete="current-password" />
        <button class="primary" disabled={busy}>
          {t('login.submit')}
        </button>
      </form>
    </AuthFrame>
  );
}

export function JoinScreen({ token }: { token: string }) {
  const [team, setTeam] = useState<string | undefined>(undefined);
  const [invalid, setInvalid] = useState(false);
  useEffect(() => {
    inviteTeam(token).then(setTeam, () => setInvalid(true));
  }, [token]);
  const { busy, error, run } = useAction(async (values: Record<string, string>) => {
    await register({ token, username: values.username!, password: values.password!, displayName: values.displayName! });
    navigate('/', true);
    await enter();
  });
  if (invalid) {
    return (
      <AuthFrame title={t('join.invalidTitle')} intro={t('join.invalid')} error={undefined}>
        <a href="/" onClick={(event) => (event.preventDefault(), navigate('/'))}>
          {t('login.title')}
        </a>
      </AuthFrame>
    );
  }
  return (
    <AuthFrame title={team ? t('join.title', { team }) : t('common.loading')} intro={t('join.intro')} error={error}>
      <form onSubmit={(event) => run(formValues(event))}>
        <Field label={t('account.displayName')} name="displayName" required maxLength={64} autoComplete="name" />
        <Field label={t('account.username')} name="username" autoComplete="username" hint={t('account.usernameHint')} {...USERNAME_RULES} />
        <Field
          label={t('account.password')}
          name="password"
          type="password"
          autoComplete="new-password"
          hint={t('account.passwordHint')}
          {...PASSWORD_RULES}
        />
        <button class="primary" disabled={busy || !team}>
          {t('join.submit')}
        </button>
      </form>
    </AuthFrame>
  );
}

export function ResetScreen({ token }: { token: string }) {
  const [done, setDone] = useState(false);
  const { busy, error, run } = useAction(async (values: Record<string, string>) => {
    await resetPassword(token, values.password!);
    setDone(true);
  });
  if (done) {
    return (
      <AuthFrame title={t('reset.doneTitle')} intro={t('reset.done')} error={undefined}>
        <a class="button primary" href="/" onClick={(event) => (event.preventDefault(), navigate('/'))}>
          {t('login.title')}
        </a>
      </AuthFrame>
    );
  }
  return (
    <AuthFrame title={t('reset.title')} error={error}>
      <form onSubmit={(event) => run(formValues(event))}>
        <Field
          label={t('account.newPassword')}
          name="password"
          type="password"
          autoComplete="new-password"
          hint={t('account.passwordHint')}
          {...PASSWORD_RULES}
        />
        <button class="primary" disabled={busy}>
          {t('reset.submit')}
        </button>
      </form>
    </AuthFrame>
  );
}

export function UnreachableScreen({ retry }: { retry: () => void }) {
  return (
    <AuthFrame title={t('unreachable.title')} intro={t('unreachable.intro')} error={undefined}>
      <button class="primary" onClick={retry}>
        {t('common.retry')}
      </button>
    </AuthFrame>
  );
}
