/** Replaced at build time by the version in package.json. */
declare const HAIL_VERSION: string | undefined;
export const VERSION: string = typeof HAIL_VERSION === 'string' ? HAIL_VERSION : 'dev';

/** When this software was built (milliseconds), or 0 when run unbuilt. */
declare const HAIL_BUILT_AT: number | undefined;
export const BUILT_AT_MS: number = typeof HAIL_BUILT_AT === 'number' ? HAIL_BUILT_AT : 0;
