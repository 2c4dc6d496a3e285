// Runs a bundled entry point the way a user or the runner does: a child process with its own env.
import { spawn } from 'node:child_process'
import path from 'node:path'

/** What a finished child process left behind. */
export interface Finished {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** Options of a child run; `interrupt` sends a signal once the output (stdout + stderr) matches `when`. */
export interface RunOptions {
  cwd?: string
  env?: NodeJS.ProcessEnv
  timeoutMs?: number
  interrupt?: { readonly when: RegExp; readonly signal: NodeJS.Signals }
}

/** Runs `node <script> ...args` to completion and collects its output, whatever its exit code. */
export function runNode(script: string, args: readonly string[], options: RunOptions = {}): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.resolve(script), ...args], {
      cwd: options.cwd ?? process.cwd(),
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 120_000,
    })
    let stdout = ''
    let stderr = ''
    let signalled = false
    const watch = (): void => {
      if (signalled || options.interrupt === undefined || !options.interrupt.when.test(stdout + stderr)) return
      signalled = true
      child.kill(options.interrupt.signal)
    }
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
      watch()
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
      watch()
    })
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({ code: code ?? (signal === null ? -1 : 128), stdout, stderr }))
  })
}

/** Runs the bundled CLI, dist/cli.js. */
export function cli(args: readonly string[], options: RunOptions = {}): Promise<Finished> {
  return runNode('dist/cli.js', args, options)
}
