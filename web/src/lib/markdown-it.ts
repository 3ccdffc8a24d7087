/**
 * Markdown to HTML with markdown-it (a lazy chunk: it is the largest library of the app).
 * Raw HTML is off, so a post can never inject markup; markdown-it's own link validation
 * already refuses javascript: and data: URLs. Links open in a new tab without a handle on this
 * one (rel=noopener).
 */
import MarkdownIt from 'markdown-it';

const md = new MarkdownIt({ html: false, linkify: true, breaks: true });

md.renderer.rules.link_open = (tokens, index, options, _env, self) => {
  const token = tokens[index]!;
  token.attrSet('target', '_blank');
  token.attrSet('rel', 'noopener noreferrer');
  return self.renderToken(tokens, index, options);
};

export const render = (text: string): string => md.render(text);
