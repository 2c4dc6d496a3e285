// The Actions results service (Twirp ArtifactService): create, finalize, list and sign the URL of
// an artifact of the token's own run, the calls @actions/artifact makes to upload and to list or
// download this run's artifacts.
import type { FakeCore } from './core.js'
import { field, group, isoOrNow, isRecord, jobIdFor, scalarString, sha256, TWIRP_SERVICE, type Ctx, type Json, type Route } from './http.js'

/** The service's routes, outside any repository. */
export function twirpRoutes(core: FakeCore): Route[] {
  return [
    {
      method: 'POST',
      pattern: new RegExp(`^/twirp/${TWIRP_SERVICE.replace(/\./g, '\\.')}/(\\w+)$`),
      fault: 'twirp',
      handler: (ctx, m) => twirp(core, ctx, group(m, 1)),
    },
  ]
}

function twirpCodeFor(status: number): string {
  switch (status) {
    case 400:
      return 'invalid_argument'
    case 401:
      return 'unauthenticated'
    case 403:
      return 'permission_denied'
    case 404:
      return 'not_found'
    case 409:
      return 'already_exists'
    case 429:
      return 'resource_exhausted'
    case 503:
      return 'unavailable'
    default:
      return status >= 500 ? 'internal' : 'unknown'
  }
}

export function twirpError(core: FakeCore, ctx: Ctx, status: number, msg: string): void {
  // The client JSON.parses every body and treats a parse failure as retryable,
  // so errors must be JSON in Twirp's {code,msg} shape.
  core.send(ctx, status, { 'content-type': 'application/json' }, JSON.stringify({ code: twirpCodeFor(status), msg }))
}

function twirpOk(core: FakeCore, ctx: Ctx, body: Json): void {
  core.send(ctx, 200, { 'content-type': 'application/json' }, JSON.stringify(body))
}

/** Backend ids granted by the bearer token, or undefined when absent/undecodable. */
function tokenIds(ctx: Ctx): { run: string; job: string } | undefined {
  const auth = ctx.req.headers.authorization ?? ''
  const token = /^Bearer\s+(.+)$/i.exec(auth)?.[1]
  const payloadPart = token?.split('.')[1]
  if (payloadPart === undefined) return undefined
  try {
    const payload: unknown = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8'))
    if (!isRecord(payload) || typeof payload['scp'] !== 'string') return undefined
    for (const scope of payload['scp'].split(' ')) {
      const parts = scope.split(':')
      if (parts[0] === 'Actions.Results' && parts.length === 3 && parts[1] !== undefined && parts[2] !== undefined) {
        return { run: parts[1], job: parts[2] }
      }
    }
  } catch {
    return undefined
  }
  return undefined
}

function twirp(core: FakeCore, ctx: Ctx, method: string): void {
  const ids = tokenIds(ctx)
  if (!ids) {
    twirpError(core, ctx, 401, 'missing or invalid bearer runtime token')
    return
  }
  const body = core.parseJsonBody(ctx)
  if (body === undefined) {
    twirpError(core, ctx, 400, 'request body is not a JSON object')
    return
  }
  const runBackendId = scalarString(field(body, 'workflow_run_backend_id'))
  if (runBackendId === undefined || !/^\d+$/.test(runBackendId)) {
    twirpError(core, ctx, 400, `workflow_run_backend_id must be this fake's numeric run id, got ${String(runBackendId)}`)
    return
  }
  // A runtime token only grants access to its own run, as on the real service.
  if (runBackendId !== ids.run) {
    twirpError(core, ctx, 403, `token is scoped to run ${ids.run}, not ${runBackendId}`)
    return
  }
  const runId = Number(runBackendId)
  const jobBackendId = scalarString(field(body, 'workflow_job_run_backend_id')) ?? ids.job
  const name = scalarString(field(body, 'name'))
  const uploadFault = core.faults.upload
  if (uploadFault !== undefined && (method === 'CreateArtifact' || method === 'FinalizeArtifact')) {
    twirpError(core, ctx, uploadFault, `injected fault: ${method} refused`)
    return
  }
  switch (method) {
    case 'CreateArtifact':
      twirpCreate(core, ctx, body, runId, jobBackendId, name)
      return
    case 'FinalizeArtifact':
      twirpFinalize(core, ctx, body, runId, name)
      return
    case 'ListArtifacts':
      twirpList(core, ctx, body, runId)
      return
    case 'GetSignedArtifactURL':
      twirpSignedUrl(core, ctx, runId, name)
      return
    default:
      twirpError(core, ctx, 404, `unknown method ${method}`)
  }
}

function twirpCreate(
  core: FakeCore,
  ctx: Ctx,
  body: Record<string, unknown>,
  runId: number,
  jobBackendId: string,
  name: string | undefined,
): void {
  if (!name) {
    twirpError(core, ctx, 400, 'name is required')
    return
  }
  if (core.artifacts.some((a) => a.runId === runId && a.name === name && a.finalized)) {
    twirpError(core, ctx, 409, `an artifact with this name already exists on the workflow run: ${name}`)
    return
  }
  core.ensureRun(runId)
  // A retried create (e.g. after a failed upload) reuses the pending record rather than duplicating it.
  let artifact = core.artifacts.find((a) => a.runId === runId && a.name === name && !a.finalized)
  if (!artifact) {
    artifact = {
      id: core.nextId(),
      runId,
      name,
      expired: false,
      zip: Buffer.alloc(0),
      createdAt: new Date().toISOString(),
      finalized: false,
    }
    core.artifacts.push(artifact)
  }
  artifact.jobBackendId = jobBackendId
  artifact.contentType = scalarString(field(body, 'mime_type')) ?? 'application/zip'
  core.staged.delete(artifact.id)
  twirpOk(core, ctx, { ok: true, signed_upload_url: core.blobUrl(artifact) })
}

function twirpFinalize(core: FakeCore, ctx: Ctx, body: Record<string, unknown>, runId: number, name: string | undefined): void {
  const artifact = core.artifacts.find((a) => a.runId === runId && a.name === name && !a.finalized)
  if (!artifact) {
    twirpError(core, ctx, 404, `no pending artifact named ${String(name)} in run ${runId}`)
    return
  }
  // Not something the real service is known to check, but it proves the blob
  // round trip kept every byte, which is the point of this fake.
  const hash = scalarString(field(body, 'hash'))
  if (hash !== undefined && hash !== `sha256:${sha256(artifact.zip)}`) {
    twirpError(core, ctx, 400, `hash mismatch: client says ${hash}, blob has sha256:${sha256(artifact.zip)}`)
    return
  }
  artifact.finalized = true
  twirpOk(core, ctx, { ok: true, artifact_id: String(artifact.id) })
}

function twirpList(core: FakeCore, ctx: Ctx, body: Record<string, unknown>, runId: number): void {
  const nameFilter = scalarString(field(body, 'name_filter'))
  const idFilter = scalarString(field(body, 'id_filter'))
  const selected = core.artifacts
    .filter((a) => a.finalized && !a.expired && a.runId === runId)
    .filter((a) => nameFilter === undefined || a.name === nameFilter)
    .filter((a) => idFilter === undefined || String(a.id) === idFilter)
    .sort((a, b) => a.id - b.id)
  twirpOk(core, ctx, {
    artifacts: selected.map((a) => ({
      workflow_run_backend_id: String(a.runId),
      workflow_job_run_backend_id: a.jobBackendId ?? jobIdFor(a.runId),
      database_id: String(a.id),
      name: a.name,
      size: String(a.zip.length),
      created_at: isoOrNow(a.createdAt),
      digest: `sha256:${sha256(a.zip)}`,
    })),
  })
}

function twirpSignedUrl(core: FakeCore, ctx: Ctx, runId: number, name: string | undefined): void {
  const artifact = core.artifacts.find((a) => a.runId === runId && a.name === name && a.finalized && !a.expired)
  if (!artifact) twirpError(core, ctx, 404, `artifact ${String(name)} not found in run ${runId}`)
  else twirpOk(core, ctx, { signed_url: core.blobUrl(artifact) })
}
