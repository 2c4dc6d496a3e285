import { readFileSync } from 'node:fs'
import { defineConfig } from 'vitest/config'

const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }

export default defineConfig({
  define: { __CANNONADE_VERSION__: JSON.stringify(version) },
  test: {
    include: ['__tests__/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Load tests share two cores: running files in parallel would measure each other.
    fileParallelism: false,
    reporters: ['default'],
  },
})
