// Uploading this run's results and downloading another run's, with @actions/artifact (which talks
// to the Actions results service with the runtime token, and to the REST API for other runs).
import { DefaultArtifactClient } from '@actions/artifact'
import { mkdtemp } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

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

/** Identifies another run's artifact. */
export interface ArtifactLocation {
  readonly artifactId: number
  readonly runId: number
  readonly owner: string
  readonly repo: string
  readonly token: string
}

/** Downloads and unpacks another run's artifact into a new temporary directory, returned. */
export async function downloadFromRun(location: ArtifactLocation): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cannonade-baseline-'))
  const client = new DefaultArtifactClient()
  await client.downloadArtifact(location.artifactId, {
    path: dir,
    findBy: {
      token: location.token,
      workflowRunId: location.runId,
      repositoryOwner: location.owner,
      repositoryName: location.repo,
    },
  })
  return dir
}

/** An artifact of this workflow run. */
export interface OwnArtifact {
  readonly id: number
  readonly name: string
}

/** The artifacts uploaded so far by the jobs of this workflow run (latest of each name). */
export async function listOwnArtifacts(): Promise<OwnArtifact[]> {
  const { artifacts } = await new DefaultArtifactClient().listArtifacts({ latest: true })
  return artifacts.map((a) => ({ id: a.id, name: a.name }))
}

/** Downloads and unpacks an artifact of this workflow run into a new temporary directory, returned. */
export async function downloadOwn(artifactId: number): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cannonade-shard-'))
  await new DefaultArtifactClient().downloadArtifact(artifactId, { path: dir })
  return dir
}
