// Values carried between a scenario's steps, as the config writes them: `capture` on a step, `data`
// on the scenario, `{{...}}` in paths, header values and bodies. Everything a run could not fill is
// found here, when the config is loaded: an unknown variable, a capture used before the step that
// makes it, a data file missing or malformed. The load side (src/load/flow.ts) only fills values in.
import { readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { RE2JS } from 're2js'
import type { Capture, DataSet, RequestStep } from './plan.js'
import type { RawCapture, RawStep } from './raw.js'
import { hasTemplate, parseTemplate, VARIABLE_NAME, variablesOf } from './template.js'
import type { Problem } from './validate.js'

/**
 * The largest data file read, bytes. Its rows travel in the plan to every load thread; a file of
 * this size is hundreds of thousands of rows, far more than a round sends passes.
 */
export const MAX_DATA_BYTES = 16 * 1024 * 1024

type At = readonly (string | number)[]

/** A step's `capture` mapping as plan captures; problems for patterns RE2 refuses. */
export function buildCaptures(raw: RawStep['capture'], at: At, problems: Problem[]): Capture[] | undefined {
  if (raw === undefined) return undefined
  return Object.entries(raw).map(([name, spec]) => buildCapture(name, spec, [...at, 'capture', name], problems))
}

function buildCapture(name: string, spec: RawCapture, at: At, problems: Problem[]): Capture {
  if (typeof spec === 'string') return jsonCapture(name, spec, at, problems)
  if ('json' in spec) return jsonCapture(name, spec.json, [...at, 'json'], problems)
  if ('header' in spec) return { name, from: 'header', header: spec.header.toLowerCase() }
  let groups = 0
  try {
    groups = RE2JS.compile(spec.regex).groupCount()
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^error parsing regexp: /, '') : String(error)
    problems.push({
      path: [...at, 'regex'],
      message: `must be a regular expression in RE2 syntax (no lookaround or backreferences): ${reason}`,
    })
  }
  const group = spec.group ?? (groups > 0 ? 1 : 0)
  if (group > groups) {
    problems.push({
      path: [...at, spec.group === undefined ? 'regex' : 'group'],
      message: `group ${group} does not exist: the pattern has ${groups} group${groups === 1 ? '' : 's'}`,
    })
  }
  return { name, from: 'regex', pattern: spec.regex, group }
}

function jsonCapture(name: string, source: string, at: At, problems: Problem[]): Capture {
  const keys = parseJsonPath(source)
  if (keys === undefined) {
    problems.push({
      path: at,
      message: `must be a JSON path such as $.token, $.items[0].id or $["a key"] (body.token also works), got ${JSON.stringify(source)}`,
    })
  }
  return { name, from: 'json', path: keys ?? [], source }
}

/**
 * `$.a.b[0]["c d"]` (or `body.a...`) as the keys and indexes it walks; undefined when it is not one.
 * Only plain member and index steps: no wildcards or filters, since one capture holds one value.
 */
export function parseJsonPath(source: string): (string | number)[] | undefined {
  const root = /^(\$|body)/.exec(source)
  if (root === null) return undefined
  const keys: (string | number)[] = []
  let rest = source.slice(root[0].length)
  const step = /^(?:\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]|\['([^'\\]*)'\])/
  while (rest.length > 0) {
    const match = step.exec(rest)
    if (match === null) return undefined
    const [whole, member, index, doubleQuoted, singleQuoted] = match
    if (member !== undefined) keys.push(member)
    else if (index !== undefined) keys.push(Number(index))
    else if (doubleQuoted !== undefined) keys.push(String(JSON.parse(doubleQuoted)))
    else keys.push(singleQuoted ?? '')
    rest = rest.slice(whole.length)
  }
  return keys
}

/**
 * Checks every template of a scenario's steps: parsable, and each variable either a data column or
 * captured by an earlier step (the values of a pass start empty, so a later step's capture is not
 * there yet). Also refuses captures with pipelining, which sends a step before the previous answered.
 */
export function checkTemplates(
  steps: readonly RequestStep[],
  columns: readonly string[],
  where: (index: number) => At,
  pipelining: number,
  problems: Problem[],
): void {
  const captured = new Map<string, number>()
  for (const [index, step] of steps.entries()) {
    for (const capture of step.captures ?? []) if (!captured.has(capture.name)) captured.set(capture.name, index)
  }
  const fields: { field: At; text: string }[] = []
  steps.forEach((step, index) => {
    const at = where(index)
    fields.push({ field: [...at, 'path'], text: step.path })
    for (const [name, value] of Object.entries(step.headers)) fields.push({ field: [...at, 'headers', name], text: value })
    if (step.body !== undefined) fields.push({ field: [...at, 'body'], text: step.body })
    for (const { field, text } of fields.splice(0)) {
      if (!hasTemplate(text)) continue
      let names: string[]
      try {
        names = variablesOf(parseTemplate(text))
      } catch (error) {
        problems.push({ path: field, message: error instanceof Error ? error.message : String(error) })
        continue
      }
      for (const name of names) {
        if (columns.includes(name)) continue
        const by = captured.get(name)
        if (by !== undefined && by < index) continue
        const known = [...columns, ...[...captured].filter(([, i]) => i < index).map(([n]) => n)]
        problems.push({
          path: field,
          message:
            by === undefined
              ? `{{${name}}} is not a variable: none of the steps before captures it and the data file has no such column` +
                (known.length === 0 ? '' : ` (known here: ${known.join(', ')})`)
              : `{{${name}}} is captured only by requests[${by}], at or after this step; a step can use what the steps before it captured`,
        })
      }
    }
  })
  if (pipelining > 1 && captured.size > 0) {
    const [firstIndex] = [...captured.values()]
    problems.push({
      path: [...where(firstIndex ?? 0), 'capture'],
      message: `needs pipelining 1 (got ${pipelining}): with pipelining a step is sent before the response it would capture from has come`,
    })
  }
}

/** Reads `data` (CSV with a header row, or a JSON list of objects); problems name the file and line. */
export function loadDataSet(file: string, baseDir: string, at: At, problems: Problem[]): DataSet | undefined {
  const full = path.resolve(baseDir, file)
  const fail = (message: string): undefined => {
    problems.push({ path: at, message })
    return undefined
  }
  let text: string
  try {
    const size = statSync(full).size
    if (size > MAX_DATA_BYTES)
      return fail(`${file} is ${(size / 1024 / 1024).toFixed(1)} MiB, more than a data file may be (${MAX_DATA_BYTES / 1024 / 1024} MiB)`)
    text = readFileSync(full, 'utf8')
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : ''
    return fail(
      `cannot read ${file} (${code === 'ENOENT' ? 'no such file' : code || String(error)}); expected a CSV or JSON file, relative to the config file`,
    )
  }
  const parsed = file.toLowerCase().endsWith('.json') ? parseJsonRows(text) : parseCsv(text)
  if (typeof parsed === 'string') return fail(`${file}: ${parsed}`)
  if (parsed.rows.length === 0) return fail(`${file}: has no rows; expected at least one row of values`)
  const badColumn = parsed.columns.find((column) => !VARIABLE_NAME.test(column))
  if (badColumn !== undefined) {
    return fail(`${file}: column ${JSON.stringify(badColumn)} is not a variable name (letters, digits and _, not starting with a digit)`)
  }
  return { file, columns: parsed.columns, rows: parsed.rows }
}

type Rows = { columns: string[]; rows: string[][] }

function parseJsonRows(text: string): Rows | string {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    return `is not valid JSON (${error instanceof Error ? error.message : String(error)}); expected a list of objects`
  }
  if (!Array.isArray(data)) return 'expected a list of objects, e.g. [{"user": "a", "password": "x"}]'
  const columns: string[] = []
  for (const row of data) {
    if (typeof row !== 'object' || row === null || Array.isArray(row)) return 'expected every element of the list to be an object'
    for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key)
  }
  const rows: string[][] = []
  for (const [index, row] of data.entries()) {
    const values: string[] = []
    for (const column of columns) {
      const value: unknown = Reflect.get(row, column)
      if (value === undefined) return `element ${index} has no "${column}"; every object needs the same keys`
      if (typeof value === 'object' && value !== null)
        return `element ${index}: "${column}" is an object or list; expected a string, number or boolean`
      values.push(String(value))
    }
    rows.push(values)
  }
  return { columns, rows }
}

/**
 * RFC 4180 CSV: comma-separated, fields in double quotes may hold commas, line breaks and `""` for a
 * quote; CRLF or LF line ends; the first row names the columns. A blank last line is ignored.
 */
export function parseCsv(text: string): Rows | string {
  const records: { line: number; fields: string[] }[] = []
  let fields: string[] = []
  let field = ''
  let quoted = false
  let line = 1
  let recordLine = 1
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0
  for (; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (c === '"') {
        quoted = false
        const next = text[i + 1]
        if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r')
          return `line ${line}: a quoted field must end at a comma or line end`
      } else {
        if (c === '\n') line++
        field += c
      }
    } else if (c === '"' && field === '') quoted = true
    else if (c === ',') {
      fields.push(field)
      field = ''
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      fields.push(field)
      records.push({ line: recordLine, fields })
      fields = []
      field = ''
      line++
      recordLine = line
    } else field += c
  }
  if (quoted) return `line ${recordLine}: a quoted field is not closed`
  if (field !== '' || fields.length > 0) {
    fields.push(field)
    records.push({ line: recordLine, fields })
  }
  const nonEmpty = records.filter((r) => !(r.fields.length === 1 && r.fields[0] === ''))
  const [header, ...body] = nonEmpty
  if (header === undefined) return 'is empty; expected a header row naming the columns, then rows of values'
  const columns = header.fields.map((name) => name.trim())
  const duplicate = columns.find((name, index) => columns.indexOf(name) !== index)
  if (duplicate !== undefined) return `line ${header.line}: column ${JSON.stringify(duplicate)} appears twice in the header row`
  for (const record of body) {
    if (record.fields.length !== columns.length) {
      return `line ${record.line}: has ${record.fields.length} field${record.fields.length === 1 ? '' : 's'}, the header row ${columns.length}`
    }
  }
  return { columns, rows: body.map((r) => r.fields) }
}
