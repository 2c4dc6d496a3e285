// Azure blob storage behind the signed URLs: block uploads (put block, put block list) and downloads.
import type { FakeCore } from './core.js'
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { group, isoOrNow, sha256, type Ctx, type Route } from './http.js'
import type { FakeArtifact } from './types.js'

/** The blob routes, outside any repository. */
export function blobRoutes(core: FakeCore): Route[] {
  return [
    {
      method: 'PUT',
      pattern: /^\/blob\/artifacts\/(\d+)\/[^/]+$/,
      fault: 'blob',
      handler: (ctx, m) => blobPut(core, ctx, Number(group(m, 1))),
    },
    {
      method: 'GET',
      pattern: /^\/blob\/artifacts\/(\d+)\/[^/]+$/,
      fault: 'blob',
      handler: (ctx, m) => blobGet(core, ctx, Number(group(m, 1))),
    },
  ]
}

function azureHeaders(ctx: Ctx): Record<string, string> {
  const headers: Record<string, string> = {
    'x-ms-request-id': randomUUID(),
    'x-ms-version': String(ctx.req.headers['x-ms-version'] ?? '2025-11-05'),
    date: new Date().toUTCString(),
    server: 'Windows-Azure-Blob/1.0 Microsoft-HTTPAPI/2.0',
  }
  const clientRequestId = ctx.req.headers['x-ms-client-request-id']
  if (typeof clientRequestId === 'string') headers['x-ms-client-request-id'] = clientRequestId
  return headers
}

export function azureError(core: FakeCore, ctx: Ctx, status: number, code: string, message: string): void {
  const xml = `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}\nRequestId:${randomUUID()}\nTime:${new Date().toISOString()}</Message></Error>`
  core.send(ctx, status, { ...azureHeaders(ctx), 'content-type': 'application/xml', 'x-ms-error-code': code }, xml)
}

function blobArtifact(core: FakeCore, ctx: Ctx, id: number): FakeArtifact | undefined {
  if (ctx.url.searchParams.get('sig') !== core.sig) {
    azureError(
      core,
      ctx,
      403,
      'AuthenticationFailed',
      'Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.',
    )
    return undefined
  }
  const artifact = core.artifacts.find((a) => a.id === id)
  if (!artifact) azureError(core, ctx, 404, 'BlobNotFound', 'The specified blob does not exist.')
  return artifact
}

function blobPut(core: FakeCore, ctx: Ctx, id: number): void {
  const artifact = blobArtifact(core, ctx, id)
  if (!artifact) return
  if (artifact.finalized) {
    // Signed upload URLs are write-once in practice: the artifact is immutable after finalize.
    azureError(core, ctx, 409, 'BlobImmutableDueToPolicy', 'This operation is not permitted as the blob is immutable.')
    return
  }
  if (ctx.req.headers['x-ms-structured-body'] !== undefined) {
    // Structured-message (CRC64) uploads only happen if a caller opts in; refuse loudly rather than store framing bytes.
    azureError(core, ctx, 400, 'UnsupportedHeader', 'x-ms-structured-body is not supported by the fake')
    return
  }
  const comp = ctx.url.searchParams.get('comp')
  const written = { etag: `"0x8D${randomBytes(7).toString('hex').toUpperCase()}"`, 'last-modified': new Date().toUTCString() }
  if (comp === 'block') {
    const blockId = ctx.url.searchParams.get('blockid')
    if (!blockId) {
      azureError(core, ctx, 400, 'InvalidQueryParameterValue', 'blockid is required')
      return
    }
    let blocks = core.staged.get(id)
    if (!blocks) {
      blocks = new Map()
      core.staged.set(id, blocks)
    }
    blocks.set(blockId, ctx.body)
    core.send(ctx, 201, {
      ...azureHeaders(ctx),
      'x-ms-request-server-encrypted': 'true',
    })
    return
  }
  if (comp === 'blocklist') {
    const xml = ctx.body.toString('utf8')
    const ids = [...xml.matchAll(/<(Latest|Committed|Uncommitted)>([^<]*)<\/\1>/g)].map((m) => decodeXml(m[2] ?? ''))
    const blocks = core.staged.get(id) ?? new Map<string, Buffer>()
    const parts: Buffer[] = []
    for (const blockId of ids) {
      const block = blocks.get(blockId)
      if (block === undefined) {
        azureError(core, ctx, 400, 'InvalidBlockList', `The specified block list is invalid: unknown block ${blockId}`)
        return
      }
      parts.push(block)
    }
    artifact.zip = Buffer.concat(parts)
    const contentType = ctx.req.headers['x-ms-blob-content-type']
    if (typeof contentType === 'string') artifact.contentType = contentType
    core.staged.delete(id)
    core.send(ctx, 201, {
      ...azureHeaders(ctx),
      ...written,
      'x-ms-request-server-encrypted': 'true',
    })
    return
  }
  if (comp === null && ctx.req.headers['x-ms-blob-type'] === 'BlockBlob') {
    artifact.zip = ctx.body
    const contentType = ctx.req.headers['x-ms-blob-content-type']
    if (typeof contentType === 'string') artifact.contentType = contentType
    core.send(ctx, 201, {
      ...azureHeaders(ctx),
      ...written,
      'content-md5': createHash('md5').update(ctx.body).digest('base64'),
      'x-ms-request-server-encrypted': 'true',
    })
    return
  }
  azureError(core, ctx, 400, 'UnsupportedQueryParameter', `the fake does not implement comp=${String(comp)}`)
}

function blobGet(core: FakeCore, ctx: Ctx, id: number): void {
  const artifact = blobArtifact(core, ctx, id)
  if (!artifact) return
  if (!artifact.finalized) {
    azureError(core, ctx, 404, 'BlobNotFound', 'The specified blob does not exist.')
    return
  }
  const contentType = artifact.contentType ?? 'application/zip'
  const file = contentType === 'application/zip' ? `${artifact.name}.zip` : artifact.name
  core.send(
    ctx,
    200,
    {
      ...azureHeaders(ctx),
      'content-type': contentType,
      'content-disposition': `attachment; filename="${file.replace(/[^\x20-\x7e]|"/g, '_')}"; filename*=UTF-8''${encodeURIComponent(file)}`,
      etag: `"0x8D${sha256(artifact.zip).slice(0, 14).toUpperCase()}"`,
      'last-modified': new Date(isoOrNow(artifact.createdAt)).toUTCString(),
      'x-ms-blob-type': 'BlockBlob',
      'accept-ranges': 'bytes',
    },
    artifact.zip,
  )
}

function decodeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&')
}

/**
 * Starts a fake GitHub on an ephemeral 127.0.0.1 port.
 *
 * Caveat for in-process use: `@actions/github` freezes `GITHUB_API_URL` when first
 * imported, and `@actions/artifact`'s `findBy` paths use that frozen base URL. Set
 * `process.env.GITHUB_API_URL = fake.url` before the first (dynamic) import of either
 * package, and reuse one fake (see `reset()`) for the whole file.
 */
