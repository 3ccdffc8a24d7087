/** A post's text without its markdown marks, for notifications and previews. */
export const renderPlain = (markdown: string): string =>
  markdown
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*_~`>#]+/g, '')
    .replace(/\s+/g, ' ')
    .trim();

/** Whether a post mentions this user by name, or everyone in the channel. */
export const mentions = (message: string, username: string): boolean =>
  new RegExp(`(^|[^\\w.-])@(${username.replace(/[.]/g, '\\.')}|channel|all|here)(?![\\w-])`, 'i').test(message);
