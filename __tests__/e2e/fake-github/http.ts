// What every protocol of the fake shares: the request context, routes, JSON and small helpers.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createHash } from 'node:crypto'
import type { FakeFaults } from './types.js'

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Reads a field under either its proto name or its JSON (camelCase) name, as protobuf-ts accepts both. */
export function field(body: Record<string, unknown>, protoName: string): unknown {
  if (protoName in body) return body[protoName]
  const camel = protoName.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase())
  return body[camel]
}

/** Twirp wrappers (StringValue, Int64Value) are plain JSON scalars, but tolerate the `{value}` form too. */
export function scalarString(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'bigint') return String(value)
  if (isRecord(value)) return scalarString(value['value'])
  return undefined
}

export function group(m: RegExpExecArray, i: number): string {
  const v = m[i]
  if (v === undefined) throw new Error(`route group ${i} missing`)
  return v
}

export function base64url(data: string): string {
  return Buffer.from(data, 'utf8').toString('base64url')
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex')
}

export function isoOrNow(value: string): string {
  const t = Date.parse(value)
  return Number.isNaN(t) ? new Date().toISOString() : new Date(t).toISOString()
}

/** Stable small integers for things GitHub identifies numerically but the fake keys by string. */
export function stableId(text: string, base: number): number {
  return base + (createHash('sha1').update(text).digest().readUInt32BE(0) % 1_000_000)
}

export function jobIdFor(runId: number): string {
  return `job-${runId}`
}

export interface Ctx {
  req: IncomingMessage
  res: ServerResponse
  method: string
  url: URL
  body: Buffer
}

type RouteHandler = (ctx: Ctx, m: RegExpExecArray) => void | Promise<void>

export interface Route {
  method: string
  pattern: RegExp
  fault?: keyof FakeFaults
  handler: RouteHandler
}

export const TWIRP_SERVICE = 'github.actions.results.api.v1.ArtifactService'
export const REPO_NUMERIC_ID = 700_000_001
export const ACTIONS_BOT_ID = 41_898_282
export const RETENTION_MS = 90 * 24 * 3600 * 1000
