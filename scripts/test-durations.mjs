// Writes __tests__/durations.json, each test file's duration in seconds, from vitest JSON reports (the
// mean over the reports that hold the file, as one run on a busy machine is noisy):
//   npx vitest run --reporter=json --outputFile=report.json && node scripts/test-durations.mjs report.json [more.json ...]
// The order files start in reads it (__tests__/helpers/test-order.ts); it decides nothing else, so a
// stale entry only costs a less even spread of files over the workers.
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'

const reports = process.argv.slice(2)
if (reports.length === 0) {
  process.stderr.write('usage: node scripts/test-durations.mjs REPORT.json [...] (vitest --reporter=json reports)\n')
  process.exit(2)
}
const seconds = new Map()
for (const report of reports) {
  const { testResults } = JSON.parse(await readFile(report, 'utf8'))
  // Reports of other checkouts (a clean clone) name files under their own root: read from __tests__/ on.
  for (const file of testResults) {
    const at = file.name.split(path.sep).join('/').lastIndexOf('/__tests__/')
    const relative = file.name
      .split(path.sep)
      .join('/')
      .slice(at + 1)
    seconds.set(relative, [...(seconds.get(relative) ?? []), (file.endTime - file.startTime) / 1000])
  }
}
const durations = {}
for (const [file, all] of seconds) {
  // Half seconds: finer would only record the noise of the machine it was measured on.
  durations[file] = Math.round((2 * all.reduce((a, b) => a + b, 0)) / all.length) / 2
}
const sorted = Object.fromEntries(Object.entries(durations).sort(([a], [b]) => (a < b ? -1 : 1)))
await writeFile('__tests__/durations.json', `${JSON.stringify(sorted, null, 2)}\n`)
process.stdout.write(`__tests__/durations.json: ${Object.keys(sorted).length} files\n`)
