// One linter configuration for the server, the web app, the tests and the scripts. Formatting
// is Prettier's job (.prettierrc.json); this file holds correctness rules and the layers'
// import boundaries (docs/DESIGN.md, "Layers"): a lower layer never imports a higher one.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const higherThanStore = [
  '**/core/permissions.js',
  '**/core/commit.js',
  '**/core/ops/**',
  '**/http/**',
  '**/realtime/**',
  '**/sync/**',
  '**/cli/**',
];
const higherThanCore = ['**/http/**', '**/realtime/**', '**/sync/**', '**/cli/**'];
const boundary = (group, message) => ['error', { patterns: [{ group, message }] }];

export default tseslint.config(
  { ignores: ['build/**', 'dist/**', 'node_modules/**', 'artifacts/**', 'data/**', '.dev/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      // Unused arguments named with a leading underscore are deliberate (a callback's shape).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  // Tests read JSON answers whose shape is the thing under test: `any` is the honest type there.
  { files: ['test/**/*.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  { files: ['scripts/**/*.mjs', '*.js'], languageOptions: { globals: { console: 'readonly', process: 'readonly', URL: 'readonly' } } },
  {
    files: ['src/store/**/*.ts'],
    rules: {
      'no-restricted-imports': boundary(higherThanStore, 'store/ sits below core/ op kinds, commit, permissions and the transports.'),
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: { 'no-restricted-imports': boundary(higherThanCore, 'core/ sits below http/, realtime/, sync/ and cli/.') },
  },
  {
    files: ['src/realtime/**/*.ts'],
    rules: {
      'no-restricted-imports': boundary(
        ['**/http/router*', '**/http/routes/**'],
        'realtime/ does not depend on the HTTP router or routes.',
      ),
    },
  },
);
