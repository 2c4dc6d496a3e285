// What the app's command runs, as far as the command tells: the one fact the profiler and the
// same-job schedule choose by (Node's own profiler; a fresh launch a pair for Node).

// A command that runs Node: node itself, or a package manager or runner that starts it.
const NODE_COMMAND = /(^|[\s;&|(/])(node|npm|npx|yarn|pnpm|tsx|ts-node)(\s|$)/

/** Whether `command` starts Node (`node server.js`, `npm start`, `npx tsx app.ts`, …). */
export function runsNode(command: string): boolean {
  return NODE_COMMAND.test(command)
}
