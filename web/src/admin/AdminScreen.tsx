/** Administration (a lazy chunk): teams, invite links with a QR code, people, the fleet, backups, the box's status. */
import { useEffect } from 'preact/hooks';
import { ScreenHeader } from '../components/ScreenHeader';
import { useAction } from '../components/useAction';
import { t } from '../i18n';
import { users } from '../state/directory';
import { loadAdmin, loadInvites } from './admin-state';
import { Backup } from './Backup';
import { Fleet } from './Fleet';
import { Invites } from './Invites';
import { People } from './People';
import { ServerStatus } from './ServerStatus';
import { Teams } from './Teams';
import { Problem } from '../components/Problem';

export default function AdminScreen() {
  const admin = useAction(loadAdmin);
  useEffect(() => void admin.run(), []);
  // Read again whenever an account is added: it used an invite, whose count of uses changed.
  const inviteList = useAction(loadInvites);
  useEffect(() => void inviteList.run(), [users.value.size]);
  const error = admin.error ?? inviteList.error;
  return (
    <main class="screen">
      <ScreenHeader title={t('admin.title')} />
      <Problem error={error} />
      <Teams />
      <Invites />
      <People />
      <Fleet />
      <Backup />
      <ServerStatus />
    </main>
  );
}
