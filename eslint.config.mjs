// The linter: ESLint's and typescript-eslint's recommended rules over the TypeScript sources. Type
// checking itself is `tsc --strict` (npm run typecheck); formatting is Prettier's.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'cannonade-results/', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // Handlers and callbacks keep the parameters their caller passes; a leading _ marks one unused.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
)
