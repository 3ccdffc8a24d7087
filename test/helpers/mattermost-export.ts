/**
 * Mattermost bulk exports for the import tests, written from the published description of the
 * format ("bulk loading data format"): one JSON object per line, `version` first, then emoji,
 * teams, channels, users (with their team and channel memberships), posts (with replies,
 * reactions and attachments), direct channels and direct posts. The people and messages are
 * made up here. `zipExport` packs the lines and a `data/` folder as `mmctl export create`
 * does.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import yazl from 'yazl';

export const T0 = Date.UTC(2024, 4, 1, 9, 0, 0);
export const minutes = (count: number) => T0 + count * 60_000;

export const GRIB = Buffer.from('GRIB\u0000\u0000\u0001 a small weather file for the bay\n7777');

/** Every kind of line, each feature once; line 12 is corrupt and one attachment is missing. */
export function flotillaLines(): string[] {
  const lines: unknown[] = [
    { type: 'version', version: 1 },
    { type: 'emoji', emoji: { name: 'burgee', image: 'data/emoji/burgee.png' } },
    {
      type: 'team',
      team: { name: 'flotilla', display_name: 'Summer Flotilla', type: 'O', description: 'Five boats, one bay', allow_open_invite: false },
    },
    { type: 'channel', channel: { team: 'flotilla', name: 'town-square', display_name: 'Town Square', type: 'O' } },
    {
      type: 'channel',
      channel: { team: 'flotilla', name: 'weather', display_name: 'Weather', type: 'O', header: 'GRIBs and forecasts', purpose: 'Wind' },
    },
    {
      type: 'channel',
      channel: { team: 'flotilla', name: 'skippers', display_name: 'Skippers', type: 'P', header: '', purpose: 'Skippers only' },
    },
    {
      type: 'user',
      user: {
        username: 'ann',
        email: 'ann@example.org',
        auth_service: '',
        nickname: 'Ann the skipper',
        first_name: 'Ann',
        last_name: 'Berg',
        position: 'Skipper',
        roles: 'system_user',
        locale: 'en',
        teams: [
          {
            name: 'flotilla',
            roles: 'team_user team_admin',
            channels: [
              { name: 'town-square', roles: 'channel_user' },
              { name: 'weather', roles: 'channel_user', favorite: true },
              { name: 'skippers', roles: 'channel_user channel_admin' },
            ],
          },
        ],
      },
    },
    {
      type: 'user',
      user: {
        username: 'bob',
        email: 'bob@example.org',
        first_name: 'Bob',
        last_name: 'Deck',
        roles: 'system_user',
        teams: [
          {
            name: 'flotilla',
            roles: 'team_user',
            channels: [
              { name: 'town-square', roles: 'channel_user' },
              { name: 'weather', roles: 'channel_user' },
            ],
          },
        ],
      },
    },
    {
      type: 'user',
      user: {
        username: 'cat',
        email: 'cat@example.org',
        roles: 'system_guest',
        teams: [{ name: 'flotilla', roles: 'team_guest', channels: [{ name: 'weather', roles: 'channel_guest' }] }],
      },
    },
    // The box the tests import into already has an "admin": this one must be renamed.
    {
      type: 'user',
      user: {
        username: 'admin',
        email: 'harbour@example.org',
        nickname: 'Harbour master',
        roles: 'system_admin system_user',
        teams: [{ name: 'flotilla', channels: [{ name: 'town-square' }] }],
      },
    },
    {
      type: 'user',
      user: {
        username: 'dave',
        email: 'dave@example.org',
        roles: 'system_user',
        delete_at: minutes(-5),
        teams: [{ name: 'flotilla', channels: [{ name: 'town-square' }] }],
      },
    },
  ];
  const texts = lines.map((line) => JSON.stringify(line));
  texts.push('{"type": "post", "post": {"team": "flotilla", "channel": "weather", "user": "ann", "message": "cut off');
  const posts: unknown[] = [
    {
      type: 'post',
      post: {
        team: 'flotilla',
        channel: 'town-square',
        user: 'ann',
        message: 'Welcome aboard, everyone',
        create_at: minutes(1),
        is_pinned: true,
        flagged_by: ['bob'],
        reactions: [
          { user: 'bob', emoji_name: 'thumbsup', create_at: minutes(2) },
          { user: 'cat', emoji_name: 'wave', create_at: minutes(2) },
        ],
        replies: [
          {
            user: 'bob',
            message: 'Glad to be here',
            create_at: minutes(3),
            reactions: [{ user: 'ann', emoji_name: 'heart', create_at: minutes(4) }],
          },
          { user: 'dave', message: 'See you at the marina', create_at: minutes(5) },
        ],
      },
    },
    {
      type: 'post',
      post: {
        team: 'flotilla',
        channel: 'weather',
        user: 'ann',
        message: "Tomorrow's GRIB",
        create_at: minutes(10),
        attachments: [{ path: 'weather/tomorrow.grb' }],
      },
    },
    {
      type: 'post',
      post: {
        team: 'flotilla',
        channel: 'weather',
        user: 'bob',
        message: 'And the chart',
        create_at: minutes(11),
        attachments: [{ path: 'weather/chart-that-was-not-exported.png' }],
      },
    },
    {
      type: 'post',
      post: { team: 'flotilla', channel: 'skippers', user: 'ann', message: 'Skippers meet at 18:00', create_at: minutes(12) },
    },
    // Bob wrote here before he left the channel: he is added to write it, then removed.
    { type: 'post', post: { team: 'flotilla', channel: 'skippers', user: 'bob', message: 'I will be late', create_at: minutes(13) } },
    { type: 'direct_channel', direct_channel: { members: ['ann', 'bob'], favorited_by: ['ann'], header: '' } },
    { type: 'direct_channel', direct_channel: { members: ['ann', 'bob', 'cat'] } },
    { type: 'direct_channel', direct_channel: { members: ['ann'] } },
    {
      type: 'direct_post',
      direct_post: {
        channel_members: ['ann', 'bob'],
        user: 'bob',
        message: 'Can I borrow your spare impeller?',
        create_at: minutes(20),
        replies: [{ user: 'ann', message: 'Yes, come by', create_at: minutes(21) }],
        reactions: [{ user: 'ann', emoji_name: 'ok_hand', create_at: minutes(22) }],
      },
    },
    {
      type: 'direct_post',
      direct_post: { channel_members: ['ann', 'bob', 'cat'], user: 'cat', message: 'Who has a spare fender?', create_at: minutes(23) },
    },
  ];
  return [...texts, ...posts.map((line) => JSON.stringify(line))];
}

/** A zip as `mmctl export create --attachments` writes one: the JSONL file at the top, the files under data/. */
export async function zipExport(
  file: string,
  lines: readonly string[],
  attachments: Record<string, Buffer> = { 'weather/tomorrow.grb': GRIB },
): Promise<void> {
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from(lines.join('\n') + '\n'), 'export.jsonl');
  for (const [path, bytes] of Object.entries(attachments)) zip.addBuffer(bytes, `data/${path}`);
  zip.end();
  const out = createWriteStream(file);
  zip.outputStream.pipe(out);
  await once(out, 'finish');
}
