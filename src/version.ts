/** Replaced at build time by the version in package.json. */
declare const HAIL_VERSION: string | undefined;
export const VERSION: string = typeof HAIL_VERSION === 'string' ? HAIL_VERSION : 'dev';
