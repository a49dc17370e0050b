import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const frameworks = ['koa', '@koa/*', 'koa-*', 'knex', 'pg', 'ioredis', 'redlock', 'bullmq', 'meilisearch', 'inversify', 'joi', 'pino'];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'bench-results/', 'explain-results/', 'test-artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { ecmaVersion: 2022, sourceType: 'module' } },
    rules: {
      'no-console': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    // The domain knows nothing of frameworks, storage or the outer layers.
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: frameworks, message: 'The domain imports no framework or driver.' },
          { group: ['**/application/**', '**/infrastructure/**', '**/interfaces/**'], message: 'The domain depends on nothing outside itself.' },
        ],
      }],
    },
  },
  {
    // Use cases see the domain and their ports; adapters are wired in by the container.
    files: ['src/application/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: frameworks.filter((name) => name !== 'inversify'), message: 'Use cases reach the outside world only through ports.' },
          { group: ['**/infrastructure/**', '**/interfaces/**'], message: 'Use cases depend inward only.' },
        ],
      }],
    },
  },
  {
    files: ['src/infrastructure/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/interfaces/**'], message: 'Adapters do not depend on entry points.' }],
      }],
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Command-line tools talk to a person on the terminal.
    files: ['src/interfaces/cli/**/*.ts', 'scripts/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['test/**/*.ts', 'scripts/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-unused-expressions': 'off' },
  },
);
