// The environment the app under test (and a base checkout's build) starts with. The app is the code
// being measured, often a pull request's: it must not receive what the runner gives Cannonade itself
// (the token that uploads artifacts and writes comments, the runtime tokens of the Actions service),
// nor see them in the app.log that is uploaded with the results. Everything else is inherited, so an
// app keeps PATH, HOME, NODE_OPTIONS and the job's own variables; `app.env` adds what it needs, and a
// value written `${NAME}` passes that variable of Cannonade's own environment, withheld or not.

// The runner's own credentials and service addresses: set for the action, never meant for the app.
const WITHHELD = new Set([
  'ACTIONS_RUNTIME_TOKEN',
  'ACTIONS_RUNTIME_URL',
  'ACTIONS_RESULTS_URL',
  'ACTIONS_CACHE_URL',
  'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
  'ACTIONS_ID_TOKEN_REQUEST_URL',
  'GITHUB_TOKEN',
  'GH_TOKEN',
])

// Of the withheld variables, those whose values are secrets (masked in app.log wherever they appear).
const SECRET_NAME = /TOKEN|SECRET|PASSWORD|PRIVATE|CREDENTIAL|KEY/i

/**
 * True for a variable the app does not inherit: the runner's tokens and service URLs, and every
 * action input (`INPUT_*`: the `github-token` input among them).
 */
export function isWithheld(name: string): boolean {
  const upper = name.toUpperCase()
  return WITHHELD.has(upper) || upper.startsWith('INPUT_')
}

/** The app's environment, and the secret values that must not appear in its log. */
export interface AppEnvironment {
  readonly env: Record<string, string>
  /** Longest first, so a secret that contains another is masked whole. */
  readonly secrets: readonly string[]
}

// `${NAME}`, the whole value: the variable NAME of Cannonade's own environment.
const REFERENCE = /^\$\{([A-Za-z_][A-Za-z0-9_-]*)\}$/

/** Builds the app's environment from Cannonade's own (`own`) and the config's `app.env`. */
export function appEnvironment(own: NodeJS.ProcessEnv, configured: Readonly<Record<string, string>> = {}): AppEnvironment {
  const env: Record<string, string> = {}
  const secrets = new Set<string>()
  for (const [name, value] of Object.entries(own)) {
    if (value === undefined) continue
    if (!isWithheld(name)) env[name] = value
    // Short values (`true`, `1`) would mask innocent words all over the log.
    else if (SECRET_NAME.test(name) && value.length >= 8) secrets.add(value)
  }
  for (const [name, value] of Object.entries(configured)) {
    const reference = REFERENCE.exec(value)?.[1]
    env[name] = reference === undefined ? value : (own[reference] ?? '')
  }
  return { env, secrets: [...secrets].sort((a, b) => b.length - a.length) }
}

/** Replaces every secret in `text` with `***`. */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let masked = text
  for (const secret of secrets) masked = masked.split(secret).join('***')
  return masked
}
