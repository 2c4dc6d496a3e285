// Values carried between a scenario's steps while it runs: before each step is sent its templates are
// filled from the values of the current pass (a data row, earlier captures) and the helpers; after
// each response its captures are taken. Built from the plan alone (plain data, so a load thread gets
// it by message), once per round and thread.
//
// A pass is one trip through the steps on one connection. autocannon keeps a context object per
// connection and starts it afresh at each pass (lib/requestIterator.js `resetContext`): the values
// live there, so connections never see each other's token. A step whose value is missing (its
// capture found nothing) is not sent: the builder returns nothing, which makes autocannon start the
// pass again from the first step, and the failed capture was already counted as that response's error.
import { randomUUID } from 'node:crypto'
import { RE2JS } from 're2js'
import type { Capture, RequestStep, ScenarioPlan } from '../config/plan.js'
import { hasTemplate, parseTemplate, type TemplatePart } from '../config/template.js'

/** Which of several load threads this is: thread `index` of `count` takes every count-th row and number. */
export interface ThreadShare {
  readonly index: number
  readonly count: number
}

/** The request fields autocannon's builder hands to `setupRequest` and reads back. */
interface BuiltRequest {
  path: string
  headers: Record<string, string>
  body?: string | Buffer
}

/** What a flow adds to one autocannon request of a step. */
export interface StepHooks {
  /** autocannon's `setupRequest`: the request with its templates filled, or null to start the pass again. */
  readonly setupRequest?: (request: BuiltRequest, context: object) => BuiltRequest | null
  /** Takes the step's captures from a response; the reason when one found nothing. */
  readonly capture?: (body: string, context: object, headers: Record<string, unknown>) => string | undefined
}

/** Whether a scenario needs a flow at all: a data file, a capture or a template anywhere. */
export function needsFlow(scenario: Pick<ScenarioPlan, 'requests' | 'data'>): boolean {
  return (
    scenario.data !== undefined ||
    scenario.requests.some(
      (step) =>
        (step.captures?.length ?? 0) > 0 ||
        hasTemplate(step.path) ||
        Object.values(step.headers).some(hasTemplate) ||
        (step.body !== undefined && hasTemplate(step.body)),
    )
  )
}

/** Whether a step reads the response body (JSON and regex captures do). */
export function capturesFromBody(step: RequestStep): boolean {
  return (step.captures ?? []).some((capture) => capture.from !== 'header')
}

/**
 * The hooks of each step of a scenario, in order, for one round on one thread. Rows and `$seq`
 * numbers are shared by the thread's connections and strided over threads, so no two threads send
 * the same row at the same time and each round starts from the first row.
 */
export function flowHooks(scenario: Pick<ScenarioPlan, 'requests' | 'data'>, share: ThreadShare = { index: 0, count: 1 }): StepHooks[] {
  let passes = 0
  let sequence = 0
  // autocannon makes a new context object at each pass: the pass's values are keyed by it.
  const passValues = new WeakMap<object, Record<string, string>>()
  const valuesOf = (context: object): Record<string, string> => {
    let values = passValues.get(context)
    if (values === undefined) {
      values = {}
      passValues.set(context, values)
    }
    return values
  }
  const { data } = scenario
  const nextRow = (values: Record<string, string>): void => {
    if (data === undefined || data.rows.length === 0) return
    const row = data.rows[(passes * share.count + share.index) % data.rows.length] ?? []
    passes++
    data.columns.forEach((column, i) => (values[column] = row[i] ?? ''))
  }
  return scenario.requests.map((step, index): StepHooks => {
    const path = compile(step.path)
    const headers = Object.entries(step.headers).map(([name, value]) => [name, compile(value)] as const)
    const body = step.body === undefined ? undefined : compile(step.body)
    const captures = (step.captures ?? []).map(captureReader)
    const templated = path !== undefined || body !== undefined || headers.some(([, parts]) => parts !== undefined)
    const setupRequest =
      templated || (index === 0 && data !== undefined)
        ? (request: BuiltRequest, context: object): BuiltRequest | null => {
            const values = valuesOf(context)
            if (index === 0) nextRow(values)
            const seq = String(++sequence * share.count - share.count + share.index + 1)
            // The first step cannot miss a value (the config allows it only data and helpers): it must
            // build, or autocannon stops the connection.
            const fill = (
              parts: readonly TemplatePart[] | undefined,
              text: string,
              encode: (value: string) => string,
            ): string | undefined => (parts === undefined ? text : fillTemplate(parts, values, seq, encode, index === 0))
            const filledPath = fill(path, step.path, encodeURIComponent)
            if (filledPath === undefined) return null
            const filledHeaders: Record<string, string> = { ...request.headers }
            for (const [name, parts] of headers) {
              const value = fill(parts, step.headers[name] ?? '', headerSafe)
              if (value === undefined) return null
              filledHeaders[name] = value
            }
            const filledBody = step.body === undefined ? undefined : fill(body, step.body, step.jsonBody === true ? jsonEscaped : same)
            if (step.body !== undefined && filledBody === undefined) return null
            return { ...request, path: filledPath, headers: filledHeaders, ...(filledBody === undefined ? {} : { body: filledBody }) }
          }
        : undefined
    const capture =
      captures.length === 0
        ? undefined
        : (text: string, context: object, headers: Record<string, unknown>): string | undefined => {
            const values = valuesOf(context)
            const parsed = lazyJson(text)
            for (const read of captures) {
              const value = read.take(text, parsed, headers)
              if (value === undefined)
                return `capture "${read.capture.name}" (${describe(read.capture)}) found nothing in the response to ${step.method} ${step.path}`
              values[read.capture.name] = value
            }
            return undefined
          }
    return { ...(setupRequest === undefined ? {} : { setupRequest }), ...(capture === undefined ? {} : { capture }) }
  })
}

function compile(text: string): TemplatePart[] | undefined {
  return hasTemplate(text) ? parseTemplate(text) : undefined
}

function same(value: string): string {
  return value
}

// A CR, LF or NUL in a value would end the header where the app reads it (a captured value comes
// from the app, a data value from a file): they are dropped.
function headerSafe(value: string): string {
  return value.replace(/[\r\n\0]/g, '')
}

// Templates of a body written as a mapping stand inside JSON strings.
function jsonEscaped(value: string): string {
  return JSON.stringify(value).slice(1, -1)
}

/** The template with its values in; undefined when a variable has no value in this pass. */
export function fillTemplate(
  parts: readonly TemplatePart[],
  values: Readonly<Record<string, string>>,
  seq: string,
  encode: (value: string) => string,
  emptyWhenMissing = false,
): string | undefined {
  let out = ''
  for (const part of parts) {
    if (part.kind === 'text') out += part.text
    else if (part.kind === 'seq') out += seq
    else if (part.kind === 'uuid') out += randomUUID()
    else if (part.kind === 'randomInt') out += String(part.min + Math.floor(Math.random() * (part.max - part.min + 1)))
    else {
      const value = values[part.name]
      if (value === undefined && !emptyWhenMissing) return undefined
      out += encode(value ?? '')
    }
  }
  return out
}

function describe(capture: Capture): string {
  if (capture.from === 'json') return capture.source
  if (capture.from === 'header') return `header ${capture.header}`
  return `regex ${capture.pattern}`
}

/** A body parsed as JSON on first use; undefined when it is not JSON. */
function lazyJson(text: string): () => unknown {
  let parsed: { value: unknown } | undefined
  return () => {
    if (parsed === undefined) {
      try {
        parsed = { value: JSON.parse(text) }
      } catch {
        parsed = { value: undefined }
      }
    }
    return parsed.value
  }
}

interface CaptureReader {
  readonly capture: Capture
  take(body: string, json: () => unknown, headers: Record<string, unknown>): string | undefined
}

function captureReader(capture: Capture): CaptureReader {
  if (capture.from === 'json') {
    return {
      capture,
      take: (_body, json) => {
        let node: unknown = json()
        for (const key of capture.path) {
          if (typeof node !== 'object' || node === null) return undefined
          node = Reflect.get(node, typeof key === 'number' && Array.isArray(node) ? key : String(key))
        }
        if (node === undefined || node === null) return undefined
        return typeof node === 'object' ? JSON.stringify(node) : String(node)
      },
    }
  }
  if (capture.from === 'header') {
    return {
      capture,
      take: (_body, _json, headers) => {
        // autocannon keeps header names as the app sent them.
        const name = Object.keys(headers).find((key) => key.toLowerCase() === capture.header)
        const value: unknown = name === undefined ? undefined : headers[name]
        const first: unknown = Array.isArray(value) ? value[0] : value
        return typeof first === 'string' ? first : undefined
      },
    }
  }
  // RE2: the pattern comes from the config and the body from the app (see expect.body in round.ts).
  const pattern = RE2JS.compile(capture.pattern)
  return {
    capture,
    take: (body) => {
      const matcher = pattern.matcher(body)
      return matcher.find() ? (matcher.group(capture.group) ?? undefined) : undefined
    },
  }
}
