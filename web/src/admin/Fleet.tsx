/**
 * The fleet: the boxes this one syncs with and how each link is doing, pairing invitations
 * (string, QR code and expiry) to carry to another box, and accepting one from another box.
 */
import { useEffect, useState } from 'preact/hooks';
import { Dialog } from '../components/Dialog';
import { Field } from '../components/Field';
import { Problem } from '../components/Problem';
import { useAction } from '../components/useAction';
import { formatBytes, formatDateTime, t } from '../i18n';
import { CopyButton } from './CopyButton';
import { createPairingInvitation, fleet, loadFleet, pair, unpair, updatePeer, type PairingInvitation, type Peer } from './fleet-state';

const REFRESH_MS = 5000;
/** Enough of a SHA-256 fingerprint to compare by eye with `hail peer list` on the other box. */
const shortFingerprint = (fingerprint: string) => fingerprint.slice(0, 16).replace(/(.{4})(?=.)/g, '$1 ');

function PeerEditor({ peer, onClose }: { peer: Peer; onClose: () => void }) {
  const save = useAction(async (form: HTMLFormElement) => {
    const values = new FormData(form);
    const addresses = String(values.get('addresses'))
      .split(/[\s,]+/)
      .filter(Boolean);
    await updatePeer(peer.id, { name: String(values.get('name')).trim(), addresses });
    onClose();
  });
  return (
    <Dialog title={t('fleet.editTitle', { name: peer.name })} onClose={onClose}>
      <Problem error={save.error} />
      <form onSubmit={(event) => (event.preventDefault(), save.run(event.currentTarget))}>
        <Field label={t('fleet.name')} name="name" required maxLength={64} defaultValue={peer.name} />
        <div class="field">
          <label for="peer-addresses">{t('fleet.addresses')}</label>
          <textarea
            id="peer-addresses"
            name="addresses"
            rows={3}
            spellcheck={false}
            autoCapitalize="none"
            aria-describedby="peer-addresses-hint"
            defaultValue={peer.addresses.join('\n')}
          />
          <p class="hint" id="peer-addresses-hint">
            {t('fleet.addressesHint')}
          </p>
        </div>
        <div class="row-buttons">
          <button class="primary" disabled={save.busy}>
            {t('common.save')}
          </button>
          <button type="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function UnpairDialog({ peer, onClose }: { peer: Peer; onClose: () => void }) {
  const remove = useAction(async () => (await unpair(peer.id), onClose()));
  return (
    <Dialog title={t('fleet.unpairTitle', { name: peer.name })} onClose={onClose}>
      <Problem error={remove.error} />
      <p>{t('fleet.unpairExplain', { name: peer.name })}</p>
      <div class="row-buttons">
        <button type="button" class="danger" disabled={remove.busy} onClick={() => remove.run()}>
          {t('fleet.unpair')}
        </button>
        <button type="button" onClick={onClose}>
          {t('common.cancel')}
        </button>
      </div>
    </Dialog>
  );
}

function PeerItem({ peer, onEdit, onUnpair }: { peer: Peer; onEdit: () => void; onUnpair: () => void }) {
  const { bytes } = peer;
  const rows: [string, string][] = [
    [t('fleet.addresses'), peer.addresses.join(', ') || t('fleet.dialsIn')],
    [t('fleet.lastContact'), peer.lastContact === null ? t('fleet.never') : formatDateTime(peer.lastContact)],
    [t('fleet.waiting'), t('fleet.waitingValue', { send: peer.opsToSend, receive: peer.opsToReceive })],
    [t('fleet.today'), t('fleet.traffic', { sent: formatBytes(bytes.sentToday), received: formatBytes(bytes.receivedToday) })],
    [t('fleet.total'), t('fleet.traffic', { sent: formatBytes(bytes.sentTotal), received: formatBytes(bytes.receivedTotal) })],
  ];
  return (
    <li class="peer" aria-label={peer.name}>
      <div class="admin-item">
        <div class="admin-item-name">
          <strong>{peer.name}</strong> <span class={`link-state link-${peer.link}`}>{t(`fleet.link.${peer.link}`)}</span>
          <div class="muted fingerprint">
            {t('fleet.fingerprint')} <code title={peer.fingerprint}>{shortFingerprint(peer.fingerprint)}</code>{' '}
            <CopyButton text={peer.fingerprint} label={t('fleet.copyFingerprint', { name: peer.name })} />
          </div>
        </div>
        <div class="admin-item-actions">
          <button type="button" class="small" onClick={onEdit}>
            {t('fleet.edit')}
          </button>
          <button type="button" class="small" onClick={onUnpair}>
            {t('fleet.unpair')}
          </button>
        </div>
      </div>
      <dl class="status-list">
        {rows.map(([term, value]) => (
          <div key={term}>
            <dt>{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {peer.forks.length > 0 && (
        <div class="fork-warning" role="alert">
          <strong>{t('fleet.forks', { count: peer.forks.length })}</strong>
          <p>{t('fleet.forksExplain', { name: peer.name })}</p>
          <ul>
            {peer.forks.map((fork) => (
              <li key={`${fork.origin}:${fork.seq}`}>
                <code>{fork.origin.slice(0, 8)}</code> #{fork.seq} · {formatDateTime(fork.foundAt)}
              </li>
            ))}
          </ul>
        </div>
      )}
    </li>
  );
}

function InvitationShown({ invitation }: { invitation: PairingInvitation }) {
  return (
    <div class="invite-link">
      <p>{t('fleet.inviteShown')}</p>
      <div class="copy-row">
        <input
          readOnly
          value={invitation.invitation}
          aria-label={t('fleet.invitation')}
          onFocus={(event) => event.currentTarget.select()}
        />
        <CopyButton text={invitation.invitation} label={t('fleet.copyInvitation')} />
      </div>
      <p class="muted">{t('fleet.expires', { time: formatDateTime(invitation.expiresAt) })}</p>
      <div class="qr" role="img" aria-label={t('fleet.qrLabel')} dangerouslySetInnerHTML={{ __html: invitation.qrSvg }} />
    </div>
  );
}

export function Fleet() {
  const load = useAction(loadFleet);
  useEffect(() => {
    void load.run();
    // Link states and counters change by themselves: keep them current while the screen is open.
    const timer = setInterval(() => void loadFleet().catch(() => undefined), REFRESH_MS);
    return () => clearInterval(timer);
  }, []);
  const [invitation, setInvitation] = useState<PairingInvitation | undefined>(undefined);
  const [editing, setEditing] = useState<Peer | undefined>(undefined);
  const [unpairing, setUnpairing] = useState<Peer | undefined>(undefined);
  const invite = useAction(async () => setInvitation(await createPairingInvitation()));
  const accept = useAction(async (form: HTMLFormElement) => {
    await pair(String(new FormData(form).get('invitation')).trim());
    form.reset();
  });
  const state = fleet.value;
  return (
    <section aria-labelledby="fleet-heading">
      <h2 id="fleet-heading">{t('fleet.title')}</h2>
      <p>{t('fleet.intro')}</p>
      <Problem error={load.error ?? invite.error} />
      {state && (
        <p class="muted fingerprint">
          {t('fleet.thisBox')} <code title={state.fingerprint}>{shortFingerprint(state.fingerprint)}</code>{' '}
          <CopyButton text={state.fingerprint} label={t('fleet.copyOwnFingerprint')} />
        </p>
      )}
      {state && state.peers.length === 0 && <p>{t('fleet.none')}</p>}
      <ul class="plain-list peers" aria-label={t('fleet.peers')}>
        {state?.peers.map((peer) => (
          <PeerItem key={peer.id} peer={peer} onEdit={() => setEditing(peer)} onUnpair={() => setUnpairing(peer)} />
        ))}
      </ul>
      <h3>{t('fleet.inviteTitle')}</h3>
      <button type="button" class="primary" disabled={invite.busy || !state} onClick={() => invite.run()}>
        {t('fleet.invite')}
      </button>
      {invitation && <InvitationShown invitation={invitation} />}
      <h3>{t('fleet.acceptTitle')}</h3>
      <Problem error={accept.error} />
      <form onSubmit={(event) => (event.preventDefault(), accept.run(event.currentTarget))}>
        <div class="field">
          <label for="pair-invitation">{t('fleet.invitation')}</label>
          <textarea
            id="pair-invitation"
            name="invitation"
            required
            rows={3}
            spellcheck={false}
            autoCapitalize="none"
            aria-describedby="pair-invitation-hint"
          />
          <p class="hint" id="pair-invitation-hint">
            {t('fleet.acceptHint')}
          </p>
        </div>
        <button class="primary" disabled={accept.busy || !state}>
          {accept.busy ? t('fleet.pairing') : t('fleet.pair')}
        </button>
      </form>
      {editing && <PeerEditor peer={editing} onClose={() => setEditing(undefined)} />}
      {unpairing && <UnpairDialog peer={unpairing} onClose={() => setUnpairing(undefined)} />}
    </section>
  );
}
