import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * typescript-eslint's recommended rules plus the type-aware ones that catch real bugs in async code (a promise
 * nobody awaits, a promise where a callback is expected); formatting is Prettier's, so its conflicting rules are off.
 */
export default tseslint.config(
  { ignores: ['node_modules/', '.data/', '.artifacts/', 'coverage/', 'dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node, parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
      // `const { secret: _, ...rest } = x` is how a field is left out of a copy.
      '@typescript-eslint/no-unused-vars': ['error', { varsIgnorePattern: '^_', argsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  // The classic hooks rules; the React Compiler's rules (set-state-in-effect, refs…) do not apply to code HubSpot
  // bundles without that compiler (https://react.dev/reference/eslint-plugin-react-hooks).
  {
    files: ['**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  // Conformance tests read the wire bodies untyped JavaScript SDKs hand back (node-quickbooks, intuit-oauth).
  { files: ['**/*.test.ts', '**/*.test.tsx', '**/conformance/harness.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
  prettier,
);
