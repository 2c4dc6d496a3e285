// Uploading this run's results and downloading another run's, with @actions/artifact (which talks
// to the Actions results service with the runtime token, and to the REST API for other runs).
// Downloads are untrusted: the zip is fetched as is, only the files asked for are unpacked, each
// under a cap, into a directory of their own under RUNNER_TEMP that the caller removes.
import { DefaultArtifactClient, type DownloadArtifactOptions } from '@actions/artifact'
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { ArtifactTooLargeError, extractWanted, type WantedFile } from './extract-zip.js'
import { EnvironmentError } from '../errors.js'

export type { WantedFile } from './extract-zip.js'

/** The largest artifact zip Cannonade downloads: results, report and a capped log are far less. */
export const MAX_ARTIFACT_ZIP_BYTES = 256 * 1024 * 1024

/** Where an artifact went. */
export interface Uploaded {
  readonly id?: number
  readonly size?: number
}

/** Uploads files (absolute paths under rootDir) as one artifact of this run. */
export async function uploadFiles(name: string, files: readonly string[], rootDir: string, retentionDays?: number): Promise<Uploaded> {
  const client = new DefaultArtifactClient()
  const result = await client.uploadArtifact(name, [...files], rootDir, retentionDays === undefined ? {} : { retentionDays })
  return { ...(result.id === undefined ? {} : { id: result.id }), ...(result.size === undefined ? {} : { size: result.size }) }
}

/** Files unpacked from an artifact; `cleanup` removes them (call it in `finally`). */
export interface Extracted {
  readonly dir: string
  /** Names of the wanted files the artifact held. */
  readonly files: ReadonlySet<string>
  /** The path of a wanted file, or undefined when the artifact did not hold it. */
  pathOf(name: string): string | undefined
  cleanup(): Promise<void>
}

/** Identifies an artifact: of this run, or of another run (`run` set). */
export interface ArtifactLocation {
  readonly artifactId: number
  readonly name: string
  /** Size of the zip as GitHub lists it, checked before downloading. */
  readonly sizeBytes?: number
  readonly run?: { readonly runId: number; readonly owner: string; readonly repo: string; readonly token: string }
}

// A directory of our own under RUNNER_TEMP (removed with the job), else under the OS's temp
// directory: a RUNNER_TEMP that is unset, gone or not writable must not cost the baseline.
async function privateTempDir(prefix: string): Promise<string> {
  const runnerTemp = process.env['RUNNER_TEMP']
  if (runnerTemp !== undefined && runnerTemp !== '') {
    try {
      return await mkdtemp(path.join(runnerTemp, prefix))
    } catch {
      // Fall through to the OS's temp directory.
    }
  }
  return mkdtemp(path.join(os.tmpdir(), prefix))
}

/**
 * Downloads an artifact and unpacks only the wanted files. Throws when the artifact is larger than
 * MAX_ARTIFACT_ZIP_BYTES or a wanted file larger than its cap; leaves nothing behind when it throws.
 */
export async function downloadWanted(location: ArtifactLocation, wanted: readonly WantedFile[]): Promise<Extracted> {
  if (location.sizeBytes !== undefined && location.sizeBytes > MAX_ARTIFACT_ZIP_BYTES) {
    throw new ArtifactTooLargeError(
      `the artifact ${location.name} is ${location.sizeBytes} bytes, more than the ${MAX_ARTIFACT_ZIP_BYTES} Cannonade downloads`,
    )
  }
  const dir = await privateTempDir('cannonade-artifact-')
  const cleanup = (): Promise<void> => rm(dir, { recursive: true, force: true })
  try {
    const zipDir = path.join(dir, '.zip')
    await mkdir(zipDir)
    const options: DownloadArtifactOptions = {
      path: zipDir,
      skipDecompress: true,
      ...(location.run === undefined
        ? {}
        : {
            findBy: {
              token: location.run.token,
              workflowRunId: location.run.runId,
              repositoryOwner: location.run.owner,
              repositoryName: location.run.repo,
            },
          }),
    }
    await new DefaultArtifactClient().downloadArtifact(location.artifactId, options)
    const [zipName, ...others] = await readdir(zipDir)
    if (zipName === undefined || others.length > 0)
      throw new EnvironmentError(`the download of artifact ${location.name} did not produce one zip file`)
    const files = await extractWanted(path.join(zipDir, zipName), dir, wanted)
    await rm(zipDir, { recursive: true, force: true })
    return { dir, files, pathOf: (name) => (files.has(name) ? path.join(dir, name) : undefined), cleanup }
  } catch (error) {
    await cleanup()
    throw error
  }
}

/** An artifact of this workflow run. */
export interface OwnArtifact {
  readonly id: number
  readonly name: string
  readonly size: number
}

/** The artifacts uploaded so far by the jobs of this workflow run (latest of each name). */
export async function listOwnArtifacts(): Promise<OwnArtifact[]> {
  const { artifacts } = await new DefaultArtifactClient().listArtifacts({ latest: true })
  return artifacts.map((a) => ({ id: a.id, name: a.name, size: a.size }))
}
