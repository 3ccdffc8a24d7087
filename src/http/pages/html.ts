/**
 * Server-rendered pages (join, trust) without a template engine: `html` is a tagged template
 * that escapes every interpolated value unless it is already `Html`, so text from the
 * configuration or a request can never become markup. `document` wraps a body in the shell
 * every page shares, and gives the Content-Security-Policy that goes with it: nothing may
 * load or run; the one inline style sheet is allowed by its hash, and QR codes are inline SVG.
 */
import { createHash } from 'node:crypto';

export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (char) => ESCAPES[char]!);

type Value = Html | string | number | readonly Html[];

export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let text = strings[0]!;
  values.forEach((value, index) => {
    const part = Array.isArray(value) ? value.join('') : value instanceof Html ? value.text : escapeHtml(String(value));
    text += part + strings[index + 1]!;
  });
  return new Html(text);
}

/** SVG made by a library, not from input: trusted as markup. */
export const trustedSvg = (svg: string): Html => new Html(svg);

export interface Document {
  readonly html: string;
  readonly csp: string;
}

export function document(title: string, style: string, body: Html): Document {
  const styleHash = createHash('sha256').update(style).digest('base64');
  return {
    html: `<!doctype html>\n${html`<html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title}</title>
        <style>
          ${new Html(style)}
        </style>
      </head>
      <body>
        ${body}
      </body>
    </html>`}\n`,
    csp: `default-src 'none'; style-src 'sha256-${styleHash}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
  };
}

/** Shared look of the pages: readable on a phone, printable on paper. */
export const BASE_STYLE = `
body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 0 auto; padding: 1rem; line-height: 1.45; color: #111; background: #fff; }
h1 { font-size: 1.6rem; }
code, .address { font-family: ui-monospace, monospace; overflow-wrap: anywhere; }
.qr svg { display: block; width: 100%; max-width: 22rem; height: auto; margin: 1rem auto; }
a.button { display: inline-block; padding: .6rem 1rem; margin: .25rem 0; border: 2px solid #124; border-radius: .4rem; color: #124; text-decoration: none; font-weight: 600; }
`;
