import os from 'node:os'
import type { Environment } from './document.js'

/** Fingerprint of this machine, recorded in every results file. */
export function currentEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
  const cpus = os.cpus()
  const runner = {
    ...(env['RUNNER_NAME'] === undefined ? {} : { name: env['RUNNER_NAME'] }),
    ...(env['RUNNER_OS'] === undefined ? {} : { os: env['RUNNER_OS'] }),
    ...(env['RUNNER_ARCH'] === undefined ? {} : { arch: env['RUNNER_ARCH'] }),
    ...(env['RUNNER_ENVIRONMENT'] === undefined ? {} : { environment: env['RUNNER_ENVIRONMENT'] }),
  }
  return {
    cpuModel: cpus[0]?.model.trim().replace(/\s+/g, ' ') ?? 'unknown',
    cores: Math.max(1, cpus.length),
    memoryBytes: os.totalmem(),
    os: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    ...(Object.keys(runner).length === 0 ? {} : { runner }),
  }
}

/** The differences between two fingerprints that make numbers incomparable, in words; empty when alike. */
export function environmentDifferences(base: Environment, head: Environment): string[] {
  const differences: string[] = []
  if (base.cpuModel !== head.cpuModel) differences.push(`CPU ${base.cpuModel} vs ${head.cpuModel}`)
  if (base.cores !== head.cores) differences.push(`${base.cores} vs ${head.cores} cores`)
  if (base.node !== head.node) differences.push(`Node ${base.node} vs ${head.node}`)
  if (base.os.split(' ')[0] !== head.os.split(' ')[0]) differences.push(`${base.os} vs ${head.os}`)
  return differences
}
