import packageJson from '../package.json' with { type: 'json' }

/** This Cannonade's version, recorded in every results file. */
export const VERSION: string = packageJson.version
