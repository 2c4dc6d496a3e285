// Writes __tests__/durations.json, each test file's duration in seconds, from a vitest JSON report:
//   npx vitest run --reporter=json --outputFile=report.json && node scripts/test-durations.mjs report.json
// The order files start in reads it (__tests__/helpers/test-order.ts); it decides nothing else, so a
// stale entry only costs a less even spread of files over the workers.
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'

const [report] = process.argv.slice(2)
if (report === undefined) {
  process.stderr.write('usage: node scripts/test-durations.mjs REPORT.json (a vitest --reporter=json report)\n')
  process.exit(2)
}
const { testResults } = JSON.parse(await readFile(report, 'utf8'))
const durations = {}
for (const file of testResults) {
  const relative = path.relative(process.cwd(), file.name).split(path.sep).join('/')
  // Half seconds: finer would only record the noise of the machine it was measured on.
  durations[relative] = Math.round((file.endTime - file.startTime) / 500) / 2
}
const sorted = Object.fromEntries(Object.entries(durations).sort(([a], [b]) => (a < b ? -1 : 1)))
await writeFile('__tests__/durations.json', `${JSON.stringify(sorted, null, 2)}\n`)
process.stdout.write(`__tests__/durations.json: ${Object.keys(sorted).length} files\n`)
