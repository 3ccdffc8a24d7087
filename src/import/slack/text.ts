/**
 * Slack's message markup ("mrkdwn", with its escapes) as the Markdown Hail shows: `<@U123>`
 * becomes `@username`, `<#C123|name>` `~name`, `<https://x|label>` `[label](https://x)`,
 * `<!here>` `@here`; `&amp;`, `&lt;` and `&gt;` are unescaped last, so an escaped `<` never
 * reads as markup. `*bold*` and `_italic_` are left as they are: Markdown reads them as
 * emphasis too.
 */
export function slackText(text: string, username: (id: string) => string | undefined): string {
  return text
    .replace(/<@([A-Z0-9]+)(?:\|[^>]*)?>/g, (whole, id: string) => {
      const name = username(id);
      return name ? `@${name}` : whole;
    })
    .replace(/<#[A-Z0-9]+\|([^>]+)>/g, '~$1')
    .replace(/<!(here|channel|everyone)(?:\|[^>]*)?>/g, '@$1')
    .replace(/<((?:https?|mailto):[^|>]+)\|([^>]+)>/g, '[$2]($1)')
    .replace(/<((?:https?|mailto):[^>]+)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
