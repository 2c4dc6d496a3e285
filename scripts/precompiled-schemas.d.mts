import type { SchemaDefinition } from '../src/schema-validator.js'

/** The schema definitions as the source defines them; `define` gives the bundles' compile-time constants. */
export function schemaDefinitions(define?: Record<string, string>): Promise<SchemaDefinition[]>

/** The source of the module build.mjs puts in place of src/schema-validator.ts: every definition precompiled. */
export function precompiledSchemas(define?: Record<string, string>): Promise<string>
