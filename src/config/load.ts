// cannonade.yml → Plan. Reads YAML or JSON (YAML is a superset of JSON, so one parser gives line
// numbers for both), validates against the schema, checks what a schema cannot say, fills defaults.
import path from 'node:path'
import { RE2JS } from 're2js'
import { isMap, isNode, LineCounter, parseDocument, type Document } from 'yaml'
import { formatPath } from '../document-path.js'
import { InputError } from '../errors.js'
import { readInputFile } from '../input-file.js'
import type {
  AbsoluteThreshold,
  AppPlan,
  Expectation,
  LoadLevel,
  MetricName,
  Plan,
  Profile,
  ProfileSetting,
  RegressionTolerance,
  RequestStep,
  ScenarioPlan,
  Severity,
} from './plan.js'
import { buildCaptures, checkTemplates, loadDataSet } from './flow.js'
import { configHash } from './hash.js'
import { humanDurationMs, MAX_PLANNED_MS, plannedTime } from './planned-time.js'
import { buildPlanOf, isLatencyMetric, METRICS } from './plan.js'
import type { RawConfig, RawDefaults, RawExpect, RawScenario, RawThresholds, RawTolerance } from './raw.js'
import { buildStress, checkCapacityUse } from './stress.js'
import { buildProfile, DEFAULT_LEAK_BYTES_PER_MIN } from './profile.js'
import { BODY_SIZE_PLACEHOLDER } from './describe-plan.js'
import { formatDurationMs, parseDurationMs, parsePercent, parseSizeBytes } from './units.js'
import { defaultRegression, defaultSeverity } from './tolerances.js'
import { validateAgainstSchema, type Problem } from './validate.js'
import { planWarnings } from './warnings.js'

/** Defaults for everything a scenario may leave out; documented in the README's config reference. */
export const DEFAULTS = {
  // 2.5 s since 2026-12-05 (5 s before): the time a same-job pair tells most about a change in.
  // Deciding as it goes, on this project's 2-CPU machine beside a busy loop and stretches of other
  // work, a minute of pairs of 2 or 2.5 s rounds held 2.4 and 3.3 times the information about req/s
  // that a minute of 5 s rounds did (the machine's noise is slow: its share moves over tens of
  // seconds, so rounds close together share more of it), and the +10 % CPU heads were caught in about
  // half the time, while a run's rounds varied about as much (ACCURACY.md, "Round length").
  durationMs: 2500,
  warmupMs: 1000,
  rounds: 5,
  connections: 10,
  pipelining: 1,
  timeoutMs: 10_000,
  readyTimeoutMs: 30_000,
  stopTimeoutMs: 5000,
  maxErrorRate: 0.1,
  minRateReached: 0.9,
  suite: 'default',
  budgetMs: 5 * 60_000,
} as const

/**
 * The longest each duration may be. Past these a typo (40000m for 40s) runs for days, and past 2^31 ms
 * Node's timers fire at once, so a round would silently last 1 ms. The schema checks counts and rates;
 * durations are strings, so their bounds are checked here.
 */
export const MAX_MS = {
  duration: 3_600_000,
  warmup: 3_600_000,
  timeout: 600_000,
  readyTimeout: 3_600_000,
  stopTimeout: 600_000,
  // A GitHub job runs for 6 hours at most.
  budget: 6 * 3_600_000,
} as const

// YAML aliases can expand a small file into a huge document (a "billion laughs"); the yaml package
// stops expanding past this many copies and the file is refused as bad input.
const MAX_ALIAS_COUNT = 100

/**
 * The largest config file read, bytes. The YAML parser reads a quoted scalar a character at a time:
 * a 60 MB body took 58 s to validate on a busy machine. A config of many scenarios is some kB;
 * large request bodies are what `profile: volume` (`bodySize`) makes at run time.
 */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024

/** Reads, validates and normalises a config file. Throws InputError listing every problem found. */
export async function loadPlan(file: string): Promise<Plan> {
  const text = await readInputFile(file, '; pass the config with --config FILE (default cannonade.yml)')
  const bytes = Buffer.byteLength(text)
  if (bytes > MAX_CONFIG_BYTES) {
    throw new InputError([
      `${file}: is ${(bytes / 1024 / 1024).toFixed(1)} MiB, more than a config file may be (${MAX_CONFIG_BYTES / 1024 / 1024} MiB); ` +
        'a large request body belongs in a volume scenario (profile: volume, bodySize: 64MB), which makes it at run time',
    ])
  }
  return parsePlan(text, file, path.dirname(path.resolve(file)))
}

/** Parses config text; `source` names the file in messages and `baseDir` anchors relative paths. */
export function parsePlan(text: string, source: string, baseDir: string): Plan {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true })
  const where = (offset: number): string => {
    const { line, col } = lineCounter.linePos(offset)
    return `${source}:${line}:${col}`
  }
  if (doc.errors.length > 0) {
    throw new InputError(doc.errors.map((e) => `${where(e.pos[0])}: invalid YAML: ${firstLine(e.message)}`))
  }
  let data: unknown
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT })
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error
    throw new InputError([
      `${source}: YAML aliases (*name) expand to more than ${MAX_ALIAS_COUNT} copies of their anchors; ` +
        'write the repeated parts out, or use fewer nested aliases',
    ])
  }
  // One line per problem, in the order they appear in the file.
  const lines = (problems: readonly Problem[]): string[] => {
    const located = problems.map((problem) => ({ problem, offset: offsetOf(doc, problem) }))
    located.sort((a, b) => (a.offset ?? -1) - (b.offset ?? -1))
    return located.map(({ problem, offset }) => {
      const prefix = offset === undefined ? source : where(offset)
      return `${prefix}: ${formatPath(problem.path)}${problem.message}`
    })
  }
  const report = (problems: readonly Problem[]): InputError => new InputError(lines(problems))
  const checked = validateAgainstSchema(data)
  if (checked.problems !== undefined) throw report(checked.problems)
  const problems: Problem[] = []
  const plan = buildPlan(checked.config, source, baseDir, problems)
  if (problems.length > 0) throw report(problems)
  return { ...plan, warnings: lines(planWarnings(plan)) }
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message
}

function offsetOf(doc: Document, problem: Problem): number | undefined {
  if (problem.atKey === true && problem.path.length > 0) {
    const parent = doc.getIn(problem.path.slice(0, -1), true)
    const name = problem.path[problem.path.length - 1]
    if (isMap(parent)) {
      for (const pair of parent.items) {
        if (isNode(pair.key) && pair.key.toJSON() === name) return pair.key.range?.[0]
      }
    }
  }
  const node = problem.path.length === 0 ? doc.contents : doc.getIn(problem.path, true)
  return isNode(node) ? node.range?.[0] : undefined
}

function buildPlan(raw: RawConfig, source: string, baseDir: string, problems: Problem[]): Plan {
  const defaults = raw.defaults ?? {}
  const names = new Map<string, number>()
  const scenarios = raw.scenarios.map((scenario, index) => {
    const earlier = names.get(scenario.name)
    if (earlier !== undefined) {
      problems.push({
        path: ['scenarios', index, 'name'],
        message: `"${scenario.name}" is already the name of scenarios[${earlier}]; names must be unique`,
      })
    }
    names.set(scenario.name, index)
    return buildScenario(scenario, raw, baseDir, ['scenarios', index], problems)
  })
  for (const field of ['duration', 'warmup', 'timeout'] as const) checkDuration(defaults[field], ['defaults', field], field, problems)
  checkHeaders(defaults.headers, ['defaults', 'headers'], problems)
  checkPrintable(raw.suite, ['suite'], problems)
  if (levelCount(defaults.connections) > 1 && levelCount(defaults.rate) > 1) {
    problems.push({ path: ['defaults', 'rate'], message: 'cannot sweep connections and rate at once; make one of them a single value' })
  }
  checkDuration(raw.budget, ['budget'], 'budget', problems)
  checkUrl(raw.baseUrl, ['baseUrl'], problems)
  // Only of a plan whose fields are each within bounds: a field over its own bound says more.
  if (problems.length === 0) checkPlannedTime(scenarios, raw.warmupSuite ?? true, problems)
  const app = raw.app === undefined ? undefined : buildApp(raw, baseDir, problems)
  const validity = {
    maxErrorRate: raw.validity?.maxErrorRate === undefined ? DEFAULTS.maxErrorRate : parsePercent(raw.validity.maxErrorRate),
    minRateReached: raw.validity?.minRateReached === undefined ? DEFAULTS.minRateReached : parsePercent(raw.validity.minRateReached),
  }
  return {
    source,
    configHash: configHash(app, raw.baseUrl, scenarios),
    suite: raw.suite ?? DEFAULTS.suite,
    budgetMs: raw.budget === undefined ? DEFAULTS.budgetMs : parseDurationMs(raw.budget),
    warmupSuite: raw.warmupSuite ?? true,
    ...(app === undefined ? {} : { app }),
    baseUrl: raw.baseUrl.replace(/\/+$/, ''),
    validity,
    scenarios,
    warnings: [],
  }
}

// A plan that cannot finish in a GitHub job is a slip; named by the scenario that takes the most.
function checkPlannedTime(scenarios: readonly ScenarioPlan[], warmupSuite: boolean, problems: Problem[]): void {
  const planned = plannedTime({ scenarios, warmupSuite })
  if (planned.ms <= MAX_PLANNED_MS) return
  const [largest] = [...planned.scenarios].sort((a, b) => b.ms - a.ms)
  if (largest === undefined) return
  const field = scenarios[largest.index]?.stress === undefined ? [] : ['stress']
  problems.push({
    path: ['scenarios', largest.index, ...field],
    message:
      `the suite would measure for ${humanDurationMs(planned.ms)}, more than the ${humanDurationMs(MAX_PLANNED_MS)} a plan may take ` +
      `(a GitHub job's limit); this scenario plans ${humanDurationMs(largest.ms)} (${largest.why}): ` +
      'fewer rounds or levels, shorter rounds, or a coarser stress search (a larger factor, a lower max)',
  })
}

function buildApp(raw: RawConfig, baseDir: string, problems: Problem[]): AppPlan | undefined {
  const app = raw.app
  if (app === undefined) return undefined
  const env: Record<string, string> = {}
  for (const [name, value] of Object.entries(app.env ?? {})) env[name] = String(value)
  const readyTimeoutMs = app.readyTimeout === undefined ? DEFAULTS.readyTimeoutMs : parseDurationMs(app.readyTimeout)
  checkDuration(app.readyTimeout, ['app', 'readyTimeout'], 'readyTimeout', problems)
  checkDuration(app.stopTimeout, ['app', 'stopTimeout'], 'stopTimeout', problems)
  if (app.ready !== undefined) checkUrl(app.ready, ['app', 'ready'], problems)
  return {
    command: app.command,
    build: buildPlanOf(app.build),
    cwd: path.resolve(baseDir, app.cwd ?? '.'),
    env,
    ...(app.ready === undefined ? {} : { readyUrl: app.ready }),
    readyTimeoutMs,
    stopTimeoutMs: app.stopTimeout === undefined ? DEFAULTS.stopTimeoutMs : parseDurationMs(app.stopTimeout),
    ...portOf(raw.baseUrl),
    ...(app.stop === undefined ? {} : { stop: app.stop }),
    ...(app.container === undefined ? {} : { container: app.container }),
    ...(app.relaunch === undefined ? {} : { relaunch: app.relaunch }),
    ...(app.cpus === undefined || app.cpus === 'auto' ? {} : { cpus: app.cpus }),
    ...(app.profile === undefined ? {} : { profile: profileSettingOf(app.profile, problems) }),
  }
}

// What the schema's URL pattern lets through but no URL parser takes: a port that is not a number,
// above all `{port}`, which a user who writes it in app.command tries here too (it used to end the run
// with an internal error as the app started).
function checkUrl(value: string, at: (string | number)[], problems: Problem[]): void {
  if (URL.canParse(value)) return
  const port = value.includes('{port}')
    ? ': {port} is filled in only in app.command and app.env. Write the number here (http://127.0.0.1:3000): ' +
      'it is the port the app is told, and the base commit of --against or same-job is told a free one of its own'
    : ''
  problems.push({ path: at, message: `must be a URL Cannonade can open (host and a numeric port), got ${JSON.stringify(value)}${port}` })
}

// baseUrl's port, which the app is told ({port}, PORT); nothing for a URL the schema refuses.
function portOf(baseUrl: string): { port?: number } {
  try {
    const url = new URL(baseUrl)
    return { port: url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port) }
  } catch {
    return {}
  }
}

// app.profile: the schema has checked the words and the mapping's fields; the interval must be a
// sampling period a profiler can have, 0.1ms to 1s.
function profileSettingOf(raw: NonNullable<NonNullable<RawConfig['app']>['profile']>, problems: Problem[]): ProfileSetting {
  if (typeof raw !== 'string') {
    const ms = raw.interval === undefined ? 10 : parseDurationMs(raw.interval)
    if (raw.interval !== undefined && !(ms >= 0.1 && ms <= 1000)) {
      problems.push({
        path: ['app', 'profile', 'interval'],
        message: `must be from 0.1ms to 1s (the profiler's sampling period), got ${JSON.stringify(raw.interval)}`,
      })
    }
    return { kind: 'command', command: raw.command, sampleUs: ms * 1000 }
  }
  return raw === 'node' || raw === 'perf' || raw === 'none' ? { kind: raw } : { kind: 'auto' }
}

function checkDuration(value: string | undefined, at: (string | number)[], limit: keyof typeof MAX_MS, problems: Problem[]): void {
  if (value === undefined) return
  const ms = parseDurationMs(value)
  // warmup may be 0 (no warm-up); everything else must take some time.
  if (ms <= 0 && limit !== 'warmup') problems.push({ path: at, message: `must be more than 0, got ${JSON.stringify(value)}` })
  if (ms > MAX_MS[limit]) {
    problems.push({ path: at, message: `must be at most ${formatDurationMs(MAX_MS[limit])}, got ${JSON.stringify(value)}` })
  }
}

function buildScenario(s: RawScenario, raw: RawConfig, baseDir: string, at: (string | number)[], problems: Problem[]): ScenarioPlan {
  const defaults = raw.defaults ?? {}
  if (s.path === undefined && s.requests === undefined) {
    problems.push({ path: at, message: 'needs either path (one request) or requests (several steps)' })
  }
  if (s.path !== undefined && s.requests !== undefined) {
    problems.push({ path: [...at, 'requests'], message: 'cannot be used together with path; use one or the other' })
  }
  for (const field of ['duration', 'warmup', 'timeout'] as const) checkDuration(s[field], [...at, field], field, problems)
  checkPrintable(s.name, [...at, 'name'], problems)
  for (const [i, tag] of (s.tags ?? []).entries()) checkPrintable(tag, [...at, 'tags', i], problems)
  checkHeaders(s.headers, [...at, 'headers'], problems)
  for (const [i, step] of (s.requests ?? []).entries()) checkHeaders(step.headers, [...at, 'requests', i, 'headers'], problems)
  const headers = { ...stringMap(defaults.headers), ...stringMap(s.headers) }
  const scenarioExpect = buildExpect(s.expect, [...at, 'expect'], problems)
  const steps = s.requests ?? [{ path: s.path ?? '/' }]
  const requests = steps.map((step, index): RequestStep => {
    const stepAt = s.requests === undefined ? at : [...at, 'requests', index]
    const stepHeaders = { ...headers, ...stringMap(step.headers) }
    const rawBody = step.body ?? s.body
    const body = encodeBody(rawBody, stepHeaders)
    const captures = 'capture' in step ? buildCaptures(step.capture, stepAt, problems) : undefined
    return {
      method: step.method ?? s.method ?? 'GET',
      path: step.path,
      headers: stepHeaders,
      ...(body === undefined ? {} : { body }),
      expect: step.expect === undefined ? scenarioExpect : buildExpect(step.expect, [...stepAt, 'expect'], problems),
      ...(captures === undefined ? {} : { captures }),
      ...(body !== undefined && typeof rawBody !== 'string' && body.includes('{{') ? { jsonBody: true as const } : {}),
    }
  })
  const data = s.data === undefined ? undefined : loadDataSet(s.data, baseDir, [...at, 'data'], problems)
  checkTemplates(
    requests,
    data?.columns ?? [],
    (index) => (s.requests === undefined ? at : [...at, 'requests', index]),
    s.pipelining ?? defaults.pipelining ?? DEFAULTS.pipelining,
    problems,
  )
  const steadyLevels = buildLevels(s, defaults, at, problems)
  const settings = buildProfile(s, steadyLevels, at, problems)
  const levels = settings.levels ?? steadyLevels
  const amount = s.amount ?? defaults.amount
  const tooFew = amount === undefined ? undefined : levels.find((level) => level.connections > amount)
  if (amount !== undefined && tooFew !== undefined) {
    problems.push({
      path: [...at, 'amount'],
      message: `must be at least the number of connections (${tooFew.connections}), got ${amount}`,
    })
  }
  const stressed = s.profile === 'stress'
  const built = buildThresholds(defaults.thresholds, s.thresholds, [...at, 'thresholds'], problems, settings.profile, raw.app !== undefined)
  checkCapacityUse(s, at, problems)
  // A capacity limit or tolerance in defaults applies to the stress scenarios only: a steady one never
  // measures a capacity, and a tolerance it cannot test would still take a share of the false-alarm budget.
  const thresholds = stressed ? built.thresholds : built.thresholds.filter((t) => t.metric !== 'capacity')
  const regression = stressed ? built.regression : built.regression.filter((t) => t.metric !== 'capacity')
  // A stress search sends its rate over the configured connections, not over at most one per req/s.
  const configured = s.connections ?? defaults.connections
  const stressLevels =
    stressed && levels.length === 1 && levels[0]?.rate !== undefined
      ? levels.map((l) => ({ ...l, connections: typeof configured === 'number' ? configured : DEFAULTS.connections }))
      : levels
  const defaultMaxErrorRate = raw.validity?.maxErrorRate === undefined ? DEFAULTS.maxErrorRate : parsePercent(raw.validity.maxErrorRate)
  const stress = buildStress(s, stressLevels, thresholds, defaultMaxErrorRate, at, problems)
  if (settings.profile === 'soak' && !thresholds.some((t) => t.metric === 'leak')) {
    thresholds.push({ metric: 'leak', bound: 'max', limit: DEFAULT_LEAK_BYTES_PER_MIN, severity: 'fail' })
  }
  // The scenario's own setting, then the profile's default (a soak is long whatever the suite's
  // defaults say), then the suite's defaults.
  const duration = s.duration ?? (settings.durationMs === undefined ? defaults.duration : undefined)
  const warmup = s.warmup ?? (settings.warmupMs === undefined ? defaults.warmup : undefined)
  const timeout = s.timeout ?? defaults.timeout
  const fallbackDurationMs = settings.durationMs ?? DEFAULTS.durationMs
  return {
    name: s.name,
    tags: s.tags ?? [],
    profile: settings.profile,
    ...(settings.spike === undefined ? {} : { spike: settings.spike }),
    requests: settings.profile === 'volume' ? requests.map(volumeMethod(s)) : requests,
    ...(data === undefined ? {} : { data }),
    levels,
    pipelining: s.pipelining ?? defaults.pipelining ?? DEFAULTS.pipelining,
    arrivals: s.arrivals ?? defaults.arrivals ?? 'even',
    threads: settings.threads ?? s.threads ?? defaults.threads ?? 'auto',
    durationMs: settings.spike !== undefined ? fallbackDurationMs : duration === undefined ? fallbackDurationMs : parseDurationMs(duration),
    ...(amount === undefined ? {} : { amount }),
    warmupMs: warmup === undefined ? (settings.warmupMs ?? DEFAULTS.warmupMs) : parseDurationMs(warmup),
    rounds: s.rounds ?? settings.rounds ?? defaults.rounds ?? DEFAULTS.rounds,
    timeoutMs: timeout === undefined ? DEFAULTS.timeoutMs : parseDurationMs(timeout),
    thresholds,
    regression,
    ...(stress === undefined ? {} : { stress }),
  }
}

// A volume scenario sends its body with POST unless the config names a method, or the size goes into
// the path ({bodySize}) for an app that answers with a body of that size.
function volumeMethod(s: RawScenario): (step: RequestStep) => RequestStep {
  return (step) => {
    const explicit = s.method !== undefined || s.requests !== undefined
    return explicit || step.path.includes(BODY_SIZE_PLACEHOLDER) ? step : { ...step, method: 'POST' }
  }
}

// Line breaks, other control characters and bidirectional marks: in a name printed to a log they
// forge lines (a "\n::error::" becomes a workflow command) or reorder what a reader sees.
const UNPRINTABLE = /[\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u

/** Each unprintable character of a text as a code point, e.g. `U+000A`. */
function codePoints(text: string): string {
  const found = [...text].filter((c) => UNPRINTABLE.test(c))
  return [...new Set(found)].map((c) => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`).join(', ')
}

function checkPrintable(text: string | undefined, at: (string | number)[], problems: Problem[]): void {
  if (text === undefined || !UNPRINTABLE.test(text)) return
  problems.push({
    path: at,
    message: `must be printable text without line breaks, control characters or bidirectional marks, got ${codePoints(text)} in it`,
  })
}

// A CR or LF in a header value would end the header (and the request) where the app reads it: a
// request of the config's making smuggled past it. (Header names are checked by the schema.)
const HEADER_VALUE_BREAK = /[\r\n\0]/

function checkHeaders(
  map: Readonly<Record<string, string | number | boolean>> | undefined,
  at: (string | number)[],
  problems: Problem[],
): void {
  for (const [name, value] of Object.entries(map ?? {})) {
    if (!HEADER_VALUE_BREAK.test(String(value))) continue
    problems.push({
      path: [...at, name],
      message: `a header value cannot contain CR, LF or NUL (it would end the header where the app reads it), got ${JSON.stringify(String(value))}`,
    })
  }
}

function stringMap(map: Readonly<Record<string, string | number | boolean>> | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(map ?? {})) out[key.toLowerCase()] = String(value)
  return out
}

// A mapping or list body is sent as JSON, which is what nearly every API under test expects.
function encodeBody(body: RawScenario['body'], headers: Record<string, string>): string | undefined {
  if (body === undefined) return undefined
  if (typeof body === 'string') return body
  headers['content-type'] ??= 'application/json'
  return JSON.stringify(body)
}

function levelCount(sweep: number | readonly number[] | undefined): number {
  return sweep === undefined ? 0 : [sweep].flat().length
}

// A single value in defaults is inherited on its own (defaults.connections: 2 caps the connections
// of an open-loop scenario too); a sweep in defaults applies only to scenarios that set neither
// connections nor rate, since a scenario that sweeps one cannot also sweep the other.
function buildLevels(s: RawScenario, defaults: RawDefaults, at: (string | number)[], problems: Problem[]): LoadLevel[] {
  const own = s.connections !== undefined || s.rate !== undefined
  const inherit = (sweep: number | readonly number[] | undefined): number | readonly number[] | undefined =>
    own && levelCount(sweep) > 1 ? undefined : sweep
  const connectionsSet = s.connections ?? inherit(defaults.connections)
  const rateSet = s.rate ?? inherit(defaults.rate)
  const connections = connectionsSet === undefined ? [DEFAULTS.connections] : [connectionsSet].flat()
  const rates = rateSet === undefined ? [] : [rateSet].flat()
  // Both from defaults: reported once, at defaults (see buildPlan).
  if (connections.length > 1 && rates.length > 1 && own) {
    problems.push({ path: [...at, 'rate'], message: 'cannot sweep connections and rate at once; make one of them a single value' })
  }
  const unique = (values: number[]): number[] => [...new Set(values)]
  if (rates.length === 0) return unique(connections).map((c) => ({ connections: c }))
  const perLevelConnections = connections[0] ?? DEFAULTS.connections
  return unique(rates).map((rate) => ({ connections: Math.min(perLevelConnections, Math.max(1, Math.floor(rate))), rate }))
}

function expandStatus(status: number | string): number[] {
  if (typeof status === 'number') return [status]
  const hundred = Number(status[0]) * 100
  return Array.from({ length: 100 }, (_, i) => hundred + i)
}

function buildExpect(expect: RawExpect | undefined, at: (string | number)[], problems: Problem[]): Expectation {
  const statuses = expect?.status === undefined ? ['2xx'] : [expect.status].flat()
  const status = [...new Set(statuses.flatMap(expandStatus))].sort((a, b) => a - b)
  const body = expect?.body
  if (body === undefined) return { status }
  if (typeof body === 'string') return { status, body: { kind: 'contains', value: body } }
  const [kind, value] = Object.entries(body)[0] ?? ['contains', '']
  if (kind === 'matches') {
    // Bodies are matched with RE2's linear-time engine (see src/load/round.ts), whose syntax
    // has no lookaround and no backreferences: refuse those here rather than in the middle of a run.
    try {
      RE2JS.compile(value)
    } catch (error) {
      const reason = error instanceof Error ? error.message.replace(/^error parsing regexp: /, '') : String(error)
      problems.push({
        path: [...at, 'body', 'matches'],
        message: `must be a regular expression in RE2 syntax (no lookaround or backreferences): ${reason}`,
      })
    }
  }
  const bodyKind = kind === 'equals' || kind === 'matches' ? kind : 'contains'
  return { status, body: { kind: bodyKind, value } }
}

function metricValue(metric: MetricName, text: string | number): number {
  if (typeof text === 'number') return text
  if (isLatencyMetric(metric) || metric === 'burstP99') return parseDurationMs(text) * 1000
  if (metric === 'rss') return parseSizeBytes(text)
  if (metric === 'recovery') return parseDurationMs(text)
  // Growth per minute: bytes of RSS, µs of p99.
  if (metric === 'leak') return parseSizeBytes(text.replace(/\/min$/, ''))
  if (metric === 'drift') return parseDurationMs(text.replace(/\/min$/, '')) * 1000
  // cpu is percent of one core (150 % = one and a half cores), errorRate a fraction.
  return metric === 'cpu' ? parsePercent(text) * 100 : parsePercent(text)
}

function buildThresholds(
  base: RawThresholds | undefined,
  own: RawThresholds | undefined,
  at: (string | number)[],
  problems: Problem[],
  profile: Profile,
  startsApp: boolean,
): { thresholds: AbsoluteThreshold[]; regression: RegressionTolerance[] } {
  const thresholds: AbsoluteThreshold[] = []
  for (const metric of METRICS) {
    const limit = own?.[metric] ?? base?.[metric]
    if (limit === undefined) continue
    const severity: Severity = limit.severity ?? 'fail'
    const min = limit.min === undefined ? undefined : metricValue(metric, limit.min)
    const max = limit.max === undefined ? undefined : metricValue(metric, limit.max)
    if (min === undefined && max === undefined) {
      problems.push({ path: [...at, metric], message: 'needs min or max' })
    }
    if (min !== undefined && max !== undefined && min > max) {
      problems.push({ path: [...at, metric], message: 'has min greater than max' })
    }
    if (min !== undefined) thresholds.push({ metric, bound: 'min', limit: min, severity })
    if (max !== undefined) thresholds.push({ metric, bound: 'max', limit: max, severity })
  }
  const tolerances: Partial<Record<MetricName, RawTolerance>> = { ...base?.regression, ...own?.regression }
  const regression: RegressionTolerance[] = []
  for (const metric of METRICS) {
    const tolerance = tolerances[metric]
    const fallback = defaultRegression(metric, profile, startsApp)
    if (tolerance === undefined) {
      if (fallback !== undefined) regression.push({ metric, tolerance: fallback, severity: defaultSeverity(metric) })
      continue
    }
    const text = typeof tolerance === 'string' ? tolerance : tolerance.max
    const severity = typeof tolerance === 'string' ? 'fail' : (tolerance.severity ?? 'fail')
    regression.push({ metric, tolerance: parsePercent(text), severity })
  }
  return { thresholds, regression }
}
