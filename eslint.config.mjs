// ESLint for the library, its tests, examples and scripts: typescript-eslint's recommended
// rules, a fixed import order, lines of at most 160 characters, type-aware promise rules for the
// Lambda handlers, and no asynchronous code in the constructs. `npm test` runs it; `npm run lint
// -- --fix` fixes the order.
import js from '@eslint/js';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/** The code that runs in Lambda: every handler/ folder of lib/ (bundled into assets/, not compiled into the package). */
const HANDLERS = 'lib/**/handler/**/*.ts';

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
      // Lines up to 160 characters, the width the code is written to; strings (error messages,
      // expected templates), regular expressions and URLs may run longer rather than be cut.
      'max-len': ['error', { code: 160, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true, ignoreUrls: true }],
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
    ignores: [HANDLERS],
    rules: { 'no-console': 'error' },
  },
  {
    // The Lambda handlers (every handler/ folder: what runs in Lambda, left out of the package)
    // log to CloudWatch Logs, and read and write the JSON of AWS API answers and CloudFormation events.
    files: [HANDLERS],
    rules: { 'no-console': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The code that runs in Lambda, the library's only asynchronous code, checked with its types:
    // a promise nobody awaits (an AWS call whose failure would go unseen, a handler that answers
    // before its work is done).
    // Their own TypeScript project (tsconfig.handlers.json: the handlers and what they import,
    // 2,400 files against the repository's 5,700, no aws-cdk-lib): the types are built for them alone.
    files: [HANDLERS],
    languageOptions: { parserOptions: { project: './tsconfig.handlers.json', tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/require-await': 'error',
    },
  },
  {
    // The constructs run while CDK synthesizes, which is synchronous: nothing there may start
    // work it cannot wait for. (This keeps the checks with types, three quarters of the lint's
    // time, to the handlers, where promises are.)
    files: ['lib/**/*.ts'],
    ignores: [HANDLERS],
    rules: {
      'no-restricted-syntax': ['error',
        ...['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression'].map((node) => ({
          selector: `${node}[async=true]`,
          message: 'Construct code runs during synthesis, which is synchronous: no async functions outside the Lambda handlers (lib/**/handler/).',
        })),
        { selector: 'AwaitExpression', message: 'Construct code runs during synthesis, which is synchronous: no await outside the Lambda handlers (lib/**/handler/).' },
        { selector: 'Identifier[name="Promise"]', message: 'Construct code runs during synthesis, which is synchronous: no promises outside the Lambda handlers (lib/**/handler/).' },
      ],
    },
  },
  {
    // These read and write JSON documents (CloudFormation templates and properties, IAM policies)
    // whose shape is the service's, not a type of this library.
    files: ['lib/private/compliance.ts', 'lib/deployment/deployed-state/cfn-properties.ts', 'lib/testing/platform-templates.ts', 'lib/assembly/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The package's command line (bin: cdk-container-platform) prints what it reads.
    files: ['lib/assembly/cli.ts'],
    rules: { 'no-console': 'off' },
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
