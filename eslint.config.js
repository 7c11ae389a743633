// Lint rules that keep the structure: module boundaries, no console in server code.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';

// A module may use another module's service, never its repo or its tables (ARCHITECTURE.md).
// Platform code knows nothing about modules.
const crossModuleData = {
  group: ['../*/repo', '../*/repo.ts', '../*/tables', '../*/tables.ts', '../../modules/*/repo*', '../../modules/*/tables*'],
  message: "Another module's repo or tables are private: call its service instead.",
};

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'coverage/', 'web/dist/', 'migrations/', 'scratch/', 'test-artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: {
      'no-console': 'error',
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Read configuration through src/config.ts only.',
        },
      ],
    },
  },
  {
    files: ['src/modules/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [crossModuleData] }],
    },
  },
  {
    // Foreign keys need the referenced table objects; that is the one allowed exception.
    files: ['src/modules/*/tables.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['src/platform/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/modules/**', '../../services*', '../../app*'], message: 'Platform code must not depend on modules.' }] },
      ],
    },
  },
  {
    // The dashboard runs in the browser and talks to the server only over HTTP.
    files: ['web/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/src/*', '../../../src/**'], message: 'The dashboard must not import server code.' }] }],
    },
  },
  {
    files: ['src/config.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
