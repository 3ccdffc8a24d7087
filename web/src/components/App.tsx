/** The top of the app: which family of screens the session's phase and the address call for. */
import { t } from '../i18n';
import { boot } from '../state/boot';
import { route } from '../state/route';
import { phase } from '../state/session';
import { JoinScreen, LoginScreen, ResetScreen, SetupScreen, UnreachableScreen } from './AuthScreens';
import { ChatLayout } from './ChatLayout';

export function App() {
  const current = route.value;
  switch (phase.value) {
    case 'starting':
      return (
        <p class="notice" aria-busy="true">
          {t('common.loading')}
        </p>
      );
    case 'setup':
      return <SetupScreen />;
    case 'unreachable':
      return <UnreachableScreen retry={() => void boot()} />;
    case 'login':
      if (current.name === 'invite') return <JoinScreen token={current.token} />;
      if (current.name === 'reset') return <ResetScreen token={current.token} />;
      return <LoginScreen />;
    case 'chat':
      return <ChatLayout />;
  }
}
