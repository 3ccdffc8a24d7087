/**
 * A Slack workspace export for the import tests, written from Slack's description of its export
 * format: users.json, channels.json (public), groups.json (private), dms.json, mpims.json, and
 * a folder per conversation with one JSON array of messages per day (threads by `thread_ts`,
 * reactions with their users, files as links only). The workspace and its people are made up.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import yazl from 'yazl';

export const TS0 = Date.UTC(2024, 5, 1, 8, 0, 0) / 1000;
export const ts = (minutes: number) => `${TS0 + minutes * 60}.000100`;

export function slackWorkspace(): Record<string, unknown> {
  const users = [
    { id: 'U01ANN', name: 'ann', real_name: 'Ann Berg', is_admin: true, profile: { display_name: 'Ann', real_name: 'Ann Berg' } },
    { id: 'U02BOB', name: 'bob', real_name: 'Bob Deck', profile: { display_name: '', real_name: 'Bob Deck' } },
    { id: 'U03CAT', name: 'cat', is_restricted: true, profile: { display_name: 'Cat' } },
    { id: 'U04ADM', name: 'admin', real_name: 'Club admin', profile: {} },
    { id: 'U05OLD', name: 'olaf', deleted: true, profile: { real_name: 'Olaf' } },
  ];
  const channels = [
    {
      id: 'C01GEN',
      name: 'general',
      created: TS0,
      creator: 'U01ANN',
      is_archived: false,
      is_general: true,
      members: ['U01ANN', 'U02BOB', 'U04ADM', 'U05OLD'],
      topic: { value: 'Everything' },
      purpose: { value: 'The whole club' },
    },
    {
      id: 'C02RACE',
      name: 'racing',
      created: TS0,
      creator: 'U01ANN',
      is_archived: false,
      is_general: false,
      members: ['U01ANN', 'U03CAT'],
      topic: { value: 'Start times' },
      purpose: { value: '' },
    },
    {
      id: 'C03OLD',
      name: 'winter-2023',
      created: TS0,
      creator: 'U01ANN',
      is_archived: true,
      is_general: false,
      members: ['U01ANN'],
      topic: { value: '' },
      purpose: { value: '' },
    },
  ];
  const groups = [
    {
      id: 'G01BRD',
      name: 'board',
      created: TS0,
      creator: 'U01ANN',
      is_archived: false,
      members: ['U01ANN', 'U02BOB'],
      topic: { value: '' },
      purpose: { value: 'Board only' },
    },
  ];
  const dms = [{ id: 'D01ANNBOB', created: TS0, members: ['U01ANN', 'U02BOB'] }];
  const mpims = [
    {
      id: 'G02MP',
      name: 'mpdm-ann--bob--cat-1',
      created: TS0,
      creator: 'U01ANN',
      is_archived: false,
      members: ['U01ANN', 'U02BOB', 'U03CAT'],
    },
  ];
  return {
    'users.json': users,
    'channels.json': channels,
    'groups.json': groups,
    'dms.json': dms,
    'mpims.json': mpims,
    'general/2024-06-01.json': [
      { type: 'message', subtype: 'channel_join', user: 'U02BOB', text: '<@U02BOB> has joined the channel', ts: ts(0) },
      {
        type: 'message',
        user: 'U01ANN',
        text: 'Welcome <@U02BOB>! Tide tables: <https://example.org/tides|here> &amp; more',
        ts: ts(1),
        thread_ts: ts(1),
        reply_count: 1,
        reactions: [{ name: 'wave::skin-tone-2', users: ['U02BOB', 'U04ADM'], count: 2 }],
      },
      { type: 'message', user: 'U02BOB', text: 'Thanks!', ts: ts(2), thread_ts: ts(1), parent_user_id: 'U01ANN' },
      { type: 'message', user: 'U05OLD', text: 'Selling my old jib', ts: ts(3) },
    ],
    'general/2024-06-02.json': [
      {
        type: 'message',
        user: 'U02BOB',
        text: 'Photo of the new dock',
        ts: ts(24 * 60),
        files: [{ id: 'F01', name: 'dock.jpg', title: 'dock.jpg', url_private: 'https://files.slack.invalid/dock.jpg' }],
      },
      { type: 'message', subtype: 'bot_message', bot_id: 'B01', text: 'Reminder: dues', ts: ts(24 * 60 + 1) },
    ],
    'racing/2024-06-01.json': [{ type: 'message', user: 'U03CAT', text: 'Start at 14:00 <!channel>', ts: ts(5) }],
    'winter-2023/2024-06-01.json': [{ type: 'message', user: 'U01ANN', text: 'Winter storage list', ts: ts(6) }],
    'board/2024-06-01.json': [
      {
        type: 'message',
        user: 'U02BOB',
        text: 'Budget draft attached',
        ts: ts(7),
        reactions: [{ name: '+1', users: ['U01ANN'], count: 1 }],
      },
    ],
    'D01ANNBOB/2024-06-01.json': [{ type: 'message', user: 'U01ANN', text: 'Can you crew Saturday?', ts: ts(8) }],
    'mpdm-ann--bob--cat-1/2024-06-01.json': [{ type: 'message', user: 'U03CAT', text: 'Carpool?', ts: ts(9) }],
  };
}

export async function zipSlack(file: string, workspace: Record<string, unknown>): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const [name, content] of Object.entries(workspace)) zip.addBuffer(Buffer.from(JSON.stringify(content, null, 2)), name);
  zip.end();
  const out = createWriteStream(file);
  zip.outputStream.pipe(out);
  await once(out, 'finish');
}
