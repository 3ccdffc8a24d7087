/**
 * A channel address that is not in my list: a link from a post or a search result to a public
 * channel I have not joined, or one I left or was removed from. Joining is offered; the server
 * says no (with its reason) where I may not.
 */
import { t } from '../i18n';
import { channelsKnown, joinChannel } from '../state/channels';
import { navigate } from '../state/route';
import { useAction } from './useAction';
import { Problem } from './Problem';

export function NotInChannel({ channelId }: { channelId: string }) {
  const join = useAction(() => joinChannel(channelId));
  if (!channelsKnown.value) return <p class="notice">{t('common.loading')}</p>;
  return (
    <div class="notice" role="status">
      <p>{t('channel.notJoined')}</p>
      <Problem error={join.error} />
      <div class="row">
        <button type="button" class="primary" disabled={join.busy} onClick={() => join.run()}>
          {t('browse.join')}
        </button>
        <button type="button" onClick={() => navigate('/')}>
          {t('common.back')}
        </button>
      </div>
    </div>
  );
}
