/** Set at build time by esbuild (`define`); falls back to package.json when run from sources. */
declare const __FRAMEWISE_VERSION__: string | undefined;
export const VERSION: string = typeof __FRAMEWISE_VERSION__ === 'string' ? __FRAMEWISE_VERSION__ : '0.0.0-dev';
