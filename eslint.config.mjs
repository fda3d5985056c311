// ESLint for the library, its tests, examples and scripts: typescript-eslint's recommended
// rules and a fixed import order. `npm test` runs it; `npm run lint -- --fix` fixes the order.
import js from '@eslint/js';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', 'assets/', 'dist/', 'build/', 'bench/.work/', 'bench-results/', 'lib/**/*.js', 'lib/**/*.d.ts', '**/*.d.ts', '.jsii', 'tsconfig.jsii.json', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mjs', '**/*.js'],
    plugins: { 'import-x': importX },
    languageOptions: { globals: { console: 'readonly', process: 'readonly', require: 'readonly', module: 'writable', __dirname: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URL: 'readonly', setInterval: 'readonly', clearInterval: 'readonly' } },
    rules: {
      // Node's built-ins, then packages, then the project's modules, each group alphabetical.
      'import-x/order': ['error', {
        groups: ['builtin', 'external', ['parent', 'sibling', 'index']],
        'newlines-between': 'never',
        alphabetize: { order: 'asc', caseInsensitive: true },
      }],
      'import-x/no-duplicates': 'error',
      // Unused values are mistakes; an underscore marks one left out on purpose (destructuring).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true }],
      'no-console': ['error', { allow: ['error', 'warn'] }],
      eqeqeq: ['error', 'always'],
      // A `let` read by a closure before its one assignment (a timer) stays a `let`.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    // TypeScript checks names itself (typescript-eslint's advice for TypeScript files).
    files: ['**/*.ts'],
    rules: { 'no-undef': 'off' },
  },
  {
    // The library never prints: it reports through annotations and errors.
    files: ['lib/**/*.ts'],
    ignores: ['lib/**/*.lambda.ts', 'lib/**/*.handler.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    // The Lambda handlers log to CloudWatch Logs.
    files: ['lib/**/*.lambda.ts', 'lib/**/*.handler.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    // These read and write JSON documents (CloudFormation templates and properties, IAM policies,
    // AWS API answers) whose shape is the service's, not a type of this library.
    files: ['lib/**/*.lambda.ts', 'lib/**/*.handler.ts', 'lib/deployment/service-handler-shared.ts', 'lib/private/*-spec.ts',
      'lib/private/compliance.ts', 'lib/private/cfn-properties.ts', 'lib/testing/platform-templates.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // CommonJS files (jest's global setup).
    files: ['**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Tests, scripts and the examples' app print and use `any` for templates.
    files: ['test/**/*.ts', 'scripts/**', 'bin/**', 'examples/**'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-require-imports': 'off' },
  },
);
