// Templates in a step's path, header values and body: `{{token}}` is a value captured from an earlier
// step's response or a column of the scenario's data file; `{{$randomInt(1,100)}}`, `{{$uuid}}` and
// `{{$seq}}` are made per request. Parsed once, when the config is loaded, so that a template a run
// could not fill is a config error and the load thread only joins parts.

/** One piece of a parsed template. */
export type TemplatePart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'variable'; readonly name: string }
  | { readonly kind: 'randomInt'; readonly min: number; readonly max: number }
  | { readonly kind: 'uuid' }
  | { readonly kind: 'seq' }

/** A variable name: what `capture` keys and data file columns may be called. */
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

const HELPER_RANDOM_INT = /^\$randomInt\(\s*(-?\d+)\s*,\s*(-?\d+)\s*\)$/

/**
 * Splits a template into literal text and the values to fill in. Throws an Error whose message says
 * what was expected (the caller adds file and field).
 */
export function parseTemplate(text: string): TemplatePart[] {
  const parts: TemplatePart[] = []
  let at = 0
  while (at < text.length) {
    const open = text.indexOf('{{', at)
    if (open < 0) break
    const close = text.indexOf('}}', open + 2)
    if (close < 0)
      throw new Error(
        `has "{{" at character ${open + 1} with no "}}" after it; write {{name}}, {{$uuid}}, {{$seq}} or {{$randomInt(1,100)}}`,
      )
    if (open > at) parts.push({ kind: 'text', text: text.slice(at, open) })
    parts.push(placeholder(text.slice(open + 2, close).trim()))
    at = close + 2
  }
  if (at < text.length) parts.push({ kind: 'text', text: text.slice(at) })
  return parts
}

function placeholder(inner: string): TemplatePart {
  if (inner === '$uuid') return { kind: 'uuid' }
  if (inner === '$seq') return { kind: 'seq' }
  const random = HELPER_RANDOM_INT.exec(inner)
  if (random !== null) {
    const min = Number(random[1])
    const max = Number(random[2])
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || min > max) {
      throw new Error(`{{${inner}}}: $randomInt(min,max) needs whole numbers with min at most max`)
    }
    return { kind: 'randomInt', min, max }
  }
  if (inner.startsWith('$')) {
    throw new Error(`{{${inner}}} is not a helper; the helpers are {{$uuid}}, {{$seq}} and {{$randomInt(min,max)}}`)
  }
  if (!VARIABLE_NAME.test(inner)) {
    throw new Error(`{{${inner}}} is not a variable name (letters, digits and _, not starting with a digit)`)
  }
  return { kind: 'variable', name: inner }
}

/** Whether a text holds any placeholder (a cheap test before parsing). */
export function hasTemplate(text: string): boolean {
  return text.includes('{{')
}

/** The variable names a template reads, in order of first use. */
export function variablesOf(parts: readonly TemplatePart[]): string[] {
  const names: string[] = []
  for (const part of parts) if (part.kind === 'variable' && !names.includes(part.name)) names.push(part.name)
  return names
}
