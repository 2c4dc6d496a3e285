// What the app runs on, as far as its command and this machine tell: the facts the profiler and the
// same-job schedule choose by (Node's own profiler; for Node, a padded glibc heap or a fresh launch a pair).

import type { AppPlan } from '../config/plan.js'

// A command that runs Node: node itself, or a package manager or runner that starts it.
const NODE_COMMAND = /(^|[\s;&|(/])(node|npm|npx|yarn|pnpm|tsx|ts-node)(\s|$)/

/** Whether `command` starts Node (`node server.js`, `npm start`, `npx tsx app.ts`, …). */
export function runsNode(command: string): boolean {
  return NODE_COMMAND.test(command)
}

/** `NODE_OPTIONS` with `extra` appended to what the app's env (or Cannonade's own) already holds. */
export function withNodeOptions(app: Pick<AppPlan, 'env'>, extra: string): string {
  const current = app.env['NODE_OPTIONS'] ?? process.env['NODE_OPTIONS'] ?? ''
  return `${current} ${extra}`.trim()
}

let glibc: boolean | undefined

/**
 * Whether this Node runs on glibc (Linux with the GNU C library), as its diagnostic report says. An
 * app's Node started on the same machine is taken to run on the same C library: one built for musl
 * (Alpine) or another system simply ignores glibc's malloc settings.
 */
export function onGlibc(): boolean {
  if (glibc === undefined) {
    const report: unknown = process.report?.getReport()
    const header = typeof report === 'object' && report !== null && 'header' in report ? report.header : undefined
    glibc =
      typeof header === 'object' && header !== null && 'glibcVersionRuntime' in header && typeof header.glibcVersionRuntime === 'string'
  }
  return glibc
}
