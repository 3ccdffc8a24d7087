/** What the box is doing: version, counts, storage and free space, its clock, and what it sees on the network. */
import { formatBytes, t } from '../i18n';
import { status, type NearbyService } from './admin-state';

const allowed = (yes: boolean) => (yes ? t('admin.allowed') : t('admin.refused'));

const nearbyList = (services: readonly NearbyService[]) =>
  services.length === 0
    ? t('admin.noneFound')
    : services.map((service) => `${service.name} (${service.addresses[0] ?? service.host}:${service.port})`).join(', ');

export function ServerStatus() {
  const state = status.value;
  if (!state) return null;
  const rows: [string, string][] = [
    [t('admin.version'), state.version],
    [t('admin.uptime'), t('admin.minutes', { count: Math.round(state.uptimeSeconds / 60) })],
    [t('admin.users'), String(state.users)],
    [t('admin.messages'), String(state.messages)],
    [t('admin.connected'), String(state.connectedClients)],
    [t('admin.storage'), `${formatBytes(state.databaseBytes)} + ${formatBytes(state.filesBytes)}`],
    [t('admin.diskFree'), formatBytes(state.disk.freeBytes)],
    [t('admin.writes'), allowed(state.disk.writesAllowed)],
    [t('admin.uploads'), allowed(state.disk.uploadsAllowed)],
    [t('admin.clock'), state.clock.suspect ? t('admin.clockSuspect') : t('admin.clockOk')],
    [t('admin.nearbyBoxes'), nearbyList(state.nearby.hail)],
    [t('admin.signalk'), nearbyList(state.nearby.signalk)],
    [
      t('admin.nameClashes'),
      state.nameClashes.length === 0
        ? t('admin.noClashes')
        : state.nameClashes.map((clash) => t(`admin.clash.${clash.kind}`, { requested: clash.requested, name: clash.name })).join(', '),
    ],
  ];
  return (
    <section aria-labelledby="status-heading">
      <h2 id="status-heading">{t('admin.status')}</h2>
      <dl class="status-list">
        {rows.map(([term, value]) => (
          <div key={term}>
            <dt>{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
