// The cgroup of the container an app runs in (`app.container`). With `docker compose up` as the
// command, the process group Cannonade started is the compose client: the server runs in a container
// the Docker daemon started, so its CPU and memory are read from the container's cgroup v2 files.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { AppError, errorMessage } from '../errors.js'

// Where the two common Docker cgroup drivers put a container's cgroup on a cgroup v2 host.
const CGROUP_ROOT = '/sys/fs/cgroup'
const candidates = (id: string): string[] => [
  path.join(CGROUP_ROOT, 'system.slice', `docker-${id}.scope`), // systemd driver
  path.join(CGROUP_ROOT, 'docker', id), // cgroupfs driver
]

// A cgroup v2 directory has both files the sampler reads.
function isCgroupDir(dir: string): boolean {
  return existsSync(path.join(dir, 'cpu.stat')) && existsSync(path.join(dir, 'memory.current'))
}

/**
 * The cgroup v2 directory of `container`: the path itself when it is one, else the directory of the
 * container of that name or ID, asked of `docker inspect`. Throws AppError naming app.container when
 * there is none, so a run never reports the compose client's CPU as the server's.
 */
export function containerCgroup(container: string): string {
  if (path.isAbsolute(container)) {
    if (isCgroupDir(container)) return container
    throw new AppError(`app.container: ${container} is not a cgroup v2 directory (it needs cpu.stat and memory.current)`)
  }
  let id: string
  try {
    id = execFileSync('docker', ['inspect', '--format', '{{.Id}}', container], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim()
  } catch (error) {
    throw new AppError(`app.container: docker inspect ${container} failed: ${errorMessage(error).split('\n')[0] ?? ''}`)
  }
  const found = candidates(id).find(isCgroupDir)
  if (found === undefined) {
    throw new AppError(
      `app.container: no cgroup v2 directory for container ${container} (${id.slice(0, 12)}) under ${CGROUP_ROOT}; ` +
        'give the path of its cgroup directory instead',
    )
  }
  return found
}
