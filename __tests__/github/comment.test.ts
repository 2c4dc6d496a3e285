import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { commentMarker } from '../../src/github/comment.js'
import { SUITE_NAME } from '../../src/results/document.js'

describe('the sticky comment marker', () => {
  it('is a hidden HTML comment naming the suite', () => {
    expect(commentMarker('api-v2.internal')).toBe('<!-- cannonade:api-v2.internal -->')
  })

  it('refuses a suite that could close the comment and post markdown as the bot', () => {
    expect(() => commentMarker('x -->\n# Approved @org/admins <!-- cannonade:y')).toThrow(/not a valid suite name/)
    expect(() => commentMarker('')).toThrow(/not a valid suite name/)
  })

  it('accepts the same suite names in configs and in results files', async () => {
    const config = JSON.parse(await readFile('src/config/schema.json', 'utf8')) as { properties: { suite: { pattern: string } } }
    const results = JSON.parse(await readFile('src/results/schema.json', 'utf8')) as { properties: { suite: { pattern: string } } }
    expect(results.properties.suite.pattern).toBe(config.properties.suite.pattern)
    expect(SUITE_NAME.source).toBe(config.properties.suite.pattern)
  })
})
