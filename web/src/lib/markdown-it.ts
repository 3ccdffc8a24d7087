/**
 * Markdown to HTML with markdown-it (a lazy chunk: it is the largest library of the app).
 * Raw HTML is off, so a post can never inject markup; markdown-it's own link validation
 * already refuses javascript: and data: URLs. Links open in a new tab without a handle on this
 * one (rel=noopener). `~name` becomes a link to that channel when the reader has a channel of
 * that name: an inline rule makes a token of its own, rendered with escaped text, so no text in
 * a post ever reaches the HTML unescaped.
 *
 * An image shows only when it is on the box (a path such as /api/v1/files/...). A remote one,
 * `![x](http://elsewhere/p.gif)`, would tell its server who read the post and when: it becomes
 * a link to the image, and the page's Content-Security-Policy would refuse to load it anyway.
 * Table alignment becomes a class rather than a style attribute, which that policy refuses.
 *
 * A list item that starts with `[ ]` or `[x]` is a task: a checkbox shows it, read-only
 * (disabled: ticking it would change nobody's post), inside a label with the item's text so it
 * has an accessible name without an id (a page shows many posts: ids would repeat).
 */
import MarkdownIt from 'markdown-it';
import type { StateInline } from 'markdown-it';

const md = new MarkdownIt({ html: false, linkify: true, breaks: true });

md.renderer.rules.link_open = (tokens, index, options, _env, self) => {
  const token = tokens[index]!;
  token.attrSet('target', '_blank');
  token.attrSet('rel', 'noopener noreferrer');
  return self.renderToken(tokens, index, options);
};

// A scheme (http:, data:, ...) or a network path (//host/...) leaves the box.
const REMOTE = /^([a-z][a-z0-9+.-]*:|\/\/|\\)/i;

const boxImage = md.renderer.rules.image!;
md.renderer.rules.image = (tokens, index, options, env, self) => {
  const token = tokens[index]!;
  const src = String(token.attrGet('src') ?? '');
  if (!REMOTE.test(src)) return boxImage(tokens, index, options, env, self);
  const escape = md.utils.escapeHtml;
  const label = self.renderInlineAsText(token.children ?? [], options, env) || src;
  return `<a href="${escape(src)}" target="_blank" rel="noopener noreferrer" class="remote-image">${escape(label)}</a>`;
};

md.core.ruler.push('align_classes', (state) => {
  for (const token of state.tokens) {
    const align = /^text-align:(left|center|right)$/.exec(String(token.attrGet('style') ?? ''))?.[1];
    if (!align) continue;
    token.attrs = (token.attrs ?? []).filter(([name]) => name !== 'style');
    token.attrJoin('class', `align-${align}`);
  }
});

const TASK = /^\[([ xX])\][ \u00a0]/;

md.core.ruler.push('task_lists', (state) => {
  const tokens = state.tokens;
  for (let index = 2; index < tokens.length; index++) {
    const inline = tokens[index]!;
    const first = inline.children?.[0];
    if (inline.type !== 'inline' || tokens[index - 1]!.type !== 'paragraph_open' || tokens[index - 2]!.type !== 'list_item_open') continue;
    const task = first?.type === 'text' ? TASK.exec(first.content) : null;
    if (!task || !first) continue;
    first.content = first.content.slice(task[0].length);
    const open = new state.Token('html_inline', '', 0);
    open.content = `<label class="task"><input type="checkbox" disabled${task[1] === ' ' ? '' : ' checked'}> `;
    const close = new state.Token('html_inline', '', 0);
    close.content = '</label>';
    inline.children = [open, ...inline.children!, close];
    tokens[index - 2]!.attrJoin('class', 'task-item');
  }
});

interface ChannelEnv {
  readonly channelIds: ReadonlyMap<string, string>;
  /** The reader's username: a mention of it is marked as the reader's own. */
  readonly myName?: string;
}

const CHANNEL_NAME = /^~([a-z0-9_-]+)/;
// `~` inside a word (a path, a~b) is not a reference.
const WORD_CHAR = /[\p{L}\p{N}_~-]/u;

function channelReference(state: StateInline, silent: boolean): boolean {
  if (state.src.charCodeAt(state.pos) !== 0x7e || state.linkLevel > 0) return false;
  if (state.pos > 0 && WORD_CHAR.test(state.src[state.pos - 1]!)) return false;
  const match = CHANNEL_NAME.exec(state.src.slice(state.pos, state.posMax));
  const channelId = match && (state.env as Partial<ChannelEnv>).channelIds?.get(match[1]!);
  if (!match || !channelId) return false;
  if (!silent) {
    const token = state.push('channel_reference', '', 0);
    token.content = match[1]!;
    token.meta = { channelId };
  }
  state.pos += match[0].length;
  return true;
}

md.inline.ruler.before('strikethrough', 'channel_reference', channelReference);
md.renderer.rules.channel_reference = (tokens, index) => {
  const token = tokens[index]!;
  const escape = md.utils.escapeHtml;
  return `<a href="/c/${escape(String((token.meta as { channelId: string }).channelId))}" class="channel-reference">~${escape(token.content)}</a>`;
};

// `@name` as the server counts mentions (lib/plain-text.ts); a name does not end in a dot (`@bob.` ends a sentence).
const MENTION = /^@([a-z0-9](?:[a-z0-9._-]*[a-z0-9])?)/i;
const EVERYONE = new Set(['channel', 'here', 'all']);

function mention(state: StateInline, silent: boolean): boolean {
  if (state.src.charCodeAt(state.pos) !== 0x40 || state.linkLevel > 0) return false;
  if (state.pos > 0 && /[\w.-]/.test(state.src[state.pos - 1]!)) return false;
  const match = MENTION.exec(state.src.slice(state.pos, state.posMax));
  if (!match) return false;
  if (!silent) state.push('mention', '', 0).content = match[1]!;
  state.pos += match[0].length;
  return true;
}

md.inline.ruler.before('strikethrough', 'mention', mention);
md.renderer.rules.mention = (tokens, index, _options, env) => {
  const name = tokens[index]!.content;
  const { myName } = (env ?? {}) as Partial<ChannelEnv>;
  const lower = name.toLowerCase();
  const kind = EVERYONE.has(lower) ? ' mention-everyone' : lower === myName?.toLowerCase() ? ' mention-me' : '';
  return `<span class="mention${kind}">@${md.utils.escapeHtml(name)}</span>`;
};

export const render = (text: string, channelIds: ReadonlyMap<string, string>, myName?: string): string =>
  md.render(text, { channelIds, myName } satisfies ChannelEnv);
