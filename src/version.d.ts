/** The package version, put in by the bundler (see build.mjs) and by vitest.config.ts for tests. */
declare const __CANNONADE_VERSION__: string
