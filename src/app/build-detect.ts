// `app.build: auto` (and an absent app.build): the build of another checkout, inferred from the files
// that say how the project installs its dependencies. Only a lock file or a manifest counts: a file
// the package manager itself reads to install, never a guess from the source. What it chooses:
//
// - Node: npm-shrinkwrap.json or package-lock.json → `npm ci`; yarn.lock → `yarn install
//   --frozen-lockfile` (Yarn 1) or `--immutable` (Yarn 2+, known by .yarnrc.yml or packageManager);
//   pnpm-lock.yaml → `pnpm install --frozen-lockfile`. Frozen installs, so the base gets exactly the
//   versions its lock file names. Then `<manager> run build` when package.json has a build script.
//   Two lock files: package.json's `packageManager` field decides (Corepack's own rule); without it
//   the first in the order above wins, and the line names the one left out. A package.json with no
//   lock file: `npm install` when it declares dependencies, and the build script; with neither it
//   is detected as a Node project that needs no build, and nothing is run.
// - Python: requirements.txt → `pip install -r requirements.txt`; else pyproject.toml → `pip
//   install .`. Into a virtual environment made inside the checkout (.cannonade-venv), whose bin
//   directory goes first on the base app's PATH: installed into the job's own Python, the base's
//   packages would replace the head's, and both sides would run the same code.
// - Go: go.mod → `go build ./...` (compiles every package; `go run` then finds them in the cache).
// - Several ecosystems in one directory (a Python app with a package.json for its assets): each one's
//   steps run, Node, then Python, then Go.
//
// Where: the app's directory, then each parent up to the repository's root; the first directory that
// holds any of these files is where the build runs (a monorepo's lock file is at its root).
// Nothing found: no build is inferred, and the caller decides (the action keeps to the stored
// baseline; `run --against` measures the checkout as it is).
import { readFile, stat } from 'node:fs/promises'
import path from 'node:path'

/** The directory of the virtual environment a Python build makes inside the checkout. */
export const PYTHON_VENV_DIR = '.cannonade-venv'

/** The files detection looks for, as the one line that says none was found lists them. */
export const BUILD_MARKERS = [
  'npm-shrinkwrap.json',
  'package-lock.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'package.json',
  'requirements.txt',
  'pyproject.toml',
  'go.mod',
] as const

/** A build inferred from a checkout's files. */
export interface InferredBuild {
  /** The shell command, steps joined with `&&`; empty when the project needs no build (a bare package.json). */
  readonly command: string
  /** The absolute directory it runs in: the one holding the files it was inferred from. */
  readonly dir: string
  /** What it was inferred from, e.g. `package-lock.json and the build script in package.json`. */
  readonly from: string
  /** Lock files found but not used (a second package manager's), named in the line. */
  readonly ignored: readonly string[]
  /** Variables the built app needs: a Python build's VIRTUAL_ENV. */
  readonly env: Readonly<Record<string, string>>
  /** A directory to put first on the built app's PATH: a Python build's virtual environment's bin. */
  readonly pathFirst?: string
}

/** No build could be inferred, and why, in words. */
export interface NoInferredBuild {
  readonly nothing: string
}

type Manager = 'npm' | 'yarn' | 'pnpm'

// In the order that breaks a tie between lock files: npm's own shrinkwrap takes precedence over its
// package-lock (npm's rule), then the other managers in the order they appeared.
const LOCK_FILES: readonly { readonly file: string; readonly manager: Manager }[] = [
  { file: 'npm-shrinkwrap.json', manager: 'npm' },
  { file: 'package-lock.json', manager: 'npm' },
  { file: 'yarn.lock', manager: 'yarn' },
  { file: 'pnpm-lock.yaml', manager: 'pnpm' },
]

async function isFile(file: string): Promise<boolean> {
  return stat(file).then(
    (s) => s.isFile(),
    () => false,
  )
}

interface PackageJson {
  readonly hasBuildScript: boolean
  readonly hasDependencies: boolean
  /** `packageManager`'s name, e.g. `yarn` of `yarn@4.1.0`. */
  readonly manager?: string
  /** `packageManager`'s major version. */
  readonly managerMajor?: number
}

// A package.json that does not parse is still a Node project: the install will say what is wrong.
async function readPackageJson(file: string): Promise<PackageJson> {
  let json: unknown
  try {
    json = JSON.parse(await readFile(file, 'utf8'))
  } catch {
    return { hasBuildScript: false, hasDependencies: false }
  }
  const record = (value: unknown): Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.fromEntries(Object.entries(value)) : {}
  const pkg = record(json)
  const scripts = record(pkg['scripts'])
  const declared = ['dependencies', 'devDependencies', 'optionalDependencies'].some((k) => Object.keys(record(pkg[k])).length > 0)
  const spec = typeof pkg['packageManager'] === 'string' ? /^(npm|yarn|pnpm)@(\d+)/.exec(pkg['packageManager']) : null
  return {
    hasBuildScript: typeof scripts['build'] === 'string' && scripts['build'].trim() !== '',
    hasDependencies: declared,
    ...(spec?.[1] === undefined ? {} : { manager: spec[1], managerMajor: Number(spec[2]) }),
  }
}

interface Steps {
  readonly commands: string[]
  readonly from: string[]
  readonly ignored: string[]
  env: Record<string, string>
  pathFirst?: string
}

async function nodeSteps(dir: string, steps: Steps): Promise<void> {
  const locks = []
  for (const lock of LOCK_FILES) if (await isFile(path.join(dir, lock.file))) locks.push(lock)
  const hasPackageJson = await isFile(path.join(dir, 'package.json'))
  if (locks.length === 0 && !hasPackageJson) return
  const pkg = hasPackageJson ? await readPackageJson(path.join(dir, 'package.json')) : { hasBuildScript: false, hasDependencies: false }
  const chosen = locks.find((l) => l.manager === pkg.manager) ?? locks[0]
  for (const lock of locks) if (lock.manager !== chosen?.manager) steps.ignored.push(lock.file)
  const manager: Manager = chosen?.manager ?? 'npm'
  if (chosen !== undefined) {
    steps.from.push(locks.length > 1 && pkg.manager === chosen.manager ? `${chosen.file} (packageManager: ${chosen.manager})` : chosen.file)
    if (manager === 'npm') steps.commands.push('npm ci')
    if (manager === 'pnpm') steps.commands.push('pnpm install --frozen-lockfile')
    if (manager === 'yarn') {
      const berry = (pkg.manager === 'yarn' && (pkg.managerMajor ?? 1) >= 2) || (await isFile(path.join(dir, '.yarnrc.yml')))
      steps.commands.push(berry ? 'yarn install --immutable' : 'yarn install --frozen-lockfile')
    }
  } else if (pkg.hasDependencies) {
    steps.from.push('package.json (no lock file)')
    steps.commands.push('npm install')
  }
  if (pkg.hasBuildScript) {
    steps.from.push('the build script in package.json')
    steps.commands.push(`${manager} run build`)
  }
  if (chosen === undefined && !pkg.hasDependencies && !pkg.hasBuildScript) steps.from.push('package.json (nothing to install or build)')
}

async function pythonSteps(dir: string, steps: Steps): Promise<void> {
  const requirements = await isFile(path.join(dir, 'requirements.txt'))
  if (!requirements && !(await isFile(path.join(dir, 'pyproject.toml')))) return
  // requirements.txt pins what the team deploys; a pyproject.toml beside it may describe a package
  // that is not meant to be installed (an app, not a library), so it is only used alone.
  steps.from.push(requirements ? 'requirements.txt' : 'pyproject.toml')
  const pip = `${PYTHON_VENV_DIR}/bin/python -m pip install --disable-pip-version-check`
  steps.commands.push(`python3 -m venv ${PYTHON_VENV_DIR}`, requirements ? `${pip} -r requirements.txt` : `${pip} .`)
  steps.pathFirst = path.join(dir, PYTHON_VENV_DIR, 'bin')
  steps.env = { ...steps.env, VIRTUAL_ENV: path.join(dir, PYTHON_VENV_DIR) }
}

async function goSteps(dir: string, steps: Steps): Promise<void> {
  if (!(await isFile(path.join(dir, 'go.mod')))) return
  steps.from.push('go.mod')
  steps.commands.push('go build ./...')
}

async function hasMarker(dir: string): Promise<boolean> {
  for (const marker of BUILD_MARKERS) if (await isFile(path.join(dir, marker))) return true
  return false
}

/**
 * Infers the build of a checkout: looks in `start`, then each parent up to `root` (the checkout's
 * top, inclusive), and returns the steps for the first directory with a lock file or manifest.
 * `start` outside `root` is looked at alone. Reads files only; never throws for a missing one.
 */
export async function inferBuild(start: string, root: string): Promise<InferredBuild | NoInferredBuild> {
  const top = path.resolve(root)
  let dir = path.resolve(start)
  const inside = (d: string): boolean => d === top || d.startsWith(top + path.sep)
  for (;;) {
    if (await hasMarker(dir)) {
      const steps: Steps = { commands: [], from: [], ignored: [], env: {} }
      await nodeSteps(dir, steps)
      await pythonSteps(dir, steps)
      await goSteps(dir, steps)
      return {
        command: steps.commands.join(' && '),
        dir,
        from: joinWords(steps.from),
        ignored: steps.ignored,
        env: steps.env,
        ...(steps.pathFirst === undefined ? {} : { pathFirst: steps.pathFirst }),
      }
    }
    const parent = path.dirname(dir)
    if (dir === top || !inside(dir) || parent === dir) break
    dir = parent
  }
  // Relative to the checkout: the other checkout lives in a temporary directory nobody knows.
  const relative = path.relative(top, path.resolve(start))
  const where =
    relative === ''
      ? "the repository's root"
      : inside(path.resolve(start))
        ? `${relative} or a directory above it in the repository`
        : start
  return { nothing: `no lock file or manifest in ${where} (looked for ${BUILD_MARKERS.join(', ')})` }
}

/**
 * The one line that says what was inferred: `npm ci && npm run build (inferred from package-lock.json
 * and the build script in package.json)`, naming a lock file left out.
 */
export function describeInferredBuild(build: InferredBuild): string {
  const what = build.command === '' ? 'nothing to build' : build.command
  const left = build.ignored.length === 0 ? '' : `; ${joinWords(build.ignored)} left out, set app.build to choose`
  return `${what} (inferred from ${build.from}${left})`
}

function joinWords(words: readonly string[]): string {
  if (words.length <= 1) return words.join('')
  return `${words.slice(0, -1).join(', ')} and ${words.at(-1) ?? ''}`
}
