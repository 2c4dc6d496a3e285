// The version comes from package.json at build time (build.mjs and vitest.config.ts define it), so
// the bundle carries one string rather than the whole package.json. Run from source without the
// bundler (tsx in bench/), it is a development version.
declare const __CANNONADE_VERSION__: string | undefined

/** This Cannonade's version, recorded in every results file. */
export const VERSION: string = typeof __CANNONADE_VERSION__ === 'string' ? __CANNONADE_VERSION__ : '0.0.0-dev'
