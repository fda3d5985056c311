// `npm run lint:templates`: synthesizes the examples (`npx cdk synth`, bin/app.ts), the teams
// example's two apps (examples/teams) and the every-option test app (test/apps/every-option.ts),
// each through the same CLI, into a temporary directory, side by side, then runs AWS's
// CloudFormation linter over EVERY template file of them all, nested ones included, since
// CloudFormation takes each nested template on its own. Prints each finding and
// one line of totals, and exits non-zero on any error or warning (W3005, a DependsOn that
// aws-cdk-lib writes beside a reference, is ignored).
//
// cfn-lint: $CFN_LINT, else ../shared/tools/cfn-lint/cfn-lint beside the repository (or beside
// its main worktree, from a linked one; this project's CI machines have one), else `cfn-lint` on
// the PATH; without any it says how to install it and exits with 2 before synthesizing anything.
// `npm test` never needs it. LINT_OUTDIR keeps the templates there.
//
// `--warm-up` only starts cfn-lint once (`--version`) and exits 0: on a fresh machine its first
// run installs its Python dependencies and compiles its modules, which .ci/run lets happen beside
// `npm ci` (one core busy) rather than beside the tests. A problem shows in the real run.
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const REGION = 'eu-west-1';
const IGNORED = ['W3005'];
/** The repository's directory and, in a linked worktree (`git worktree add`), the main worktree's. */
function checkouts() {
  const git = spawnSync('git', ['rev-parse', '--path-format=absolute', '--git-common-dir'], { cwd: root, encoding: 'utf8' });
  const main = git.status === 0 ? dirname(git.stdout.trim()) : root;
  return main === root ? [root] : [root, main];
}

/** The cfn-lint to run, or undefined when there is none. */
function cfnLint() {
  if (process.env.CFN_LINT) return process.env.CFN_LINT;
  const shared = checkouts().map((dir) => resolve(dir, '..', 'shared', 'tools', 'cfn-lint', 'cfn-lint')).find((f) => existsSync(f));
  if (shared) return shared;
  return (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'cfn-lint')).find((file) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

const linter = cfnLint();
if (process.argv.includes('--warm-up')) {
  if (linter) spawnSync(linter, ['--version'], { stdio: 'ignore' });
  process.exit(0);
}
if (!linter) {
  process.stderr.write([
    'npm run lint:templates needs cfn-lint, AWS\'s CloudFormation linter, and found none:',
    '  install it with `pipx install cfn-lint` (or `pip install cfn-lint`), or set CFN_LINT to its path.',
    'npm test does not need it.',
    '',
  ].join('\n'));
  process.exit(2);
}
const out = process.env.LINT_OUTDIR ? resolve(process.env.LINT_OUTDIR) : mkdtempSync(join(tmpdir(), 'lint-templates-'));
mkdirSync(out, { recursive: true });

/** Runs a command to its end: its exit code, output and error (never rejects). */
function run(command, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (b) => out.push(b));
    child.stderr.on('data', (b) => err.push(b));
    child.on('error', (error) => resolve({ status: null, error, stdout: '', stderr: '' }));
    child.on('close', (status) => resolve({ status, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

/**
 * Synthesizes an app with the CDK CLI, as a user does (cdk.json's context, path and asset
 * metadata), into out/NAME; the problem, or undefined when it succeeded.
 */
async function synth(name, app) {
  const r = await run(join(root, 'node_modules', '.bin', 'cdk'), ['synth', '--quiet', '--output', join(out, name), ...(app ? ['--app', app] : [])], {
    cwd: root,
    // aws-cdk-lib's built-in validation is off: cfn-lint is the check here, and it reads the nested templates too.
    env: { ...process.env, CDK_VALIDATION: 'false' },
  });
  return r.status === 0 ? undefined : `${name}: synthesis failed\n${(r.stderr || r.stdout || String(r.error)).trim()}`;
}

function templates(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory() && !e.name.startsWith('asset.')) return templates(join(dir, e.name));
    return e.isFile() && e.name.endsWith('.template.json') ? [join(dir, e.name)] : [];
  }).sort();
}

/** cfn-lint over template files: its findings, or the problem of running it. */
async function lint(files) {
  if (files.length === 0) return { findings: [] };
  const r = await run(linter, ['--format', 'json', '--regions', REGION, '--ignore-checks', ...IGNORED, '--', ...files]);
  if (r.error) return { problem: `cannot run cfn-lint (${linter}): ${r.error.message}\nSet CFN_LINT to its path, or install it: pipx install cfn-lint` };
  const failed = { problem: `cfn-lint failed (exit code ${r.status}):\n${r.stdout}${r.stderr}` };
  let findings;
  try {
    findings = JSON.parse(r.stdout || '[]');
  } catch {
    return failed;
  }
  // cfn-lint's exit code is a bit field of the levels it found; anything else is its own failure.
  return r.status !== 0 && findings.length === 0 ? failed : { findings };
}

// The Lambda handlers the library ships are bundled into assets/ (as `npm ci` does).
spawnSync(process.execPath, ['scripts/bundle-lambdas.mjs'], { cwd: root, stdio: 'ignore' });

// The apps are synthesized side by side, then cfn-lint reads every template of all of them in one
// process: it spends some 5 s of CPU starting (its schemas), which one process per app paid four times.
const APPS = [
  ['examples'],
  ['every-option', 'node --import tsx test/apps/synth-every-option.ts'],
  // The teams example: the platform team's app and a service team's app (examples/teams).
  ['teams-platform', 'node --import tsx examples/teams/platform-app.ts'],
  ['teams-service', 'node --import tsx examples/teams/service-app.ts'],
];
const synthesized = await Promise.all(APPS.map(async ([name, app]) => {
  const problem = await synth(name, app);
  if (problem) return { name, files: [], problem };
  const files = templates(join(out, name));
  return files.length > 0 ? { name, files } : { name, files, problem: `${name}: no template was synthesized` };
}));
const linted = await lint(synthesized.flatMap((r) => r.files));
const results = [...synthesized, { name: 'cfn-lint', files: [], problem: linted.problem, findings: linted.findings }];

const shorten = (s) => (s.length > 400 ? `${s.slice(0, 400)}... (${s.length} characters)` : s);
const counts = { Error: 0, Warning: 0, Informational: 0 };
let failed = false;
for (const { problem, findings = [] } of results) {
  if (problem) {
    process.stdout.write(`${problem}\n`);
    failed = true;
  }
  for (const f of findings) {
    counts[f.Level] = (counts[f.Level] ?? 0) + 1;
    const file = relative(out, f.Filename);
    const line = f.Location?.Start?.LineNumber;
    const where = (f.Location?.Path ?? []).join('/');
    process.stdout.write(`${f.Level.padEnd(13)} ${f.Rule.Id} ${file}:${line} ${where}\n    ${shorten(f.Message)}\n`);
  }
}
const total = results.reduce((n, r) => n + r.files.length, 0);
process.stdout.write(`cfn-lint: ${counts.Error} errors, ${counts.Warning} warnings, ${counts.Informational} informational in ${total} templates`
  + ` (${synthesized.map((r) => `${r.name} ${r.files.length}`).join(', ')}) by ${linter}, regions ${REGION}, ignoring ${IGNORED.join(', ')}\n`);
if (counts.Error + counts.Warning > 0) failed = true;

if (process.env.LINT_OUTDIR) process.stdout.write(`templates kept in ${out}\n`);
else rmSync(out, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
