// `npm run lint:templates`: synthesizes the examples (`npx cdk synth`, bin/app.ts), the teams
// example's two apps (examples/teams) and the every-option test app (test/apps/every-option.ts),
// each through the same CLI, into a temporary directory, then runs AWS's CloudFormation linter over EVERY
// template file, nested
// ones included, since CloudFormation takes each nested template on its own. Prints each
// finding and exits non-zero on any error or warning (W3005, a DependsOn that aws-cdk-lib
// writes beside a reference, is ignored).
//
// cfn-lint: $CFN_LINT, else ../shared/tools/cfn-lint/cfn-lint beside the repository (this
// project's CI machines have one), else `cfn-lint` on the PATH; without any it says how to
// install it and exits with 2 before synthesizing anything. `npm test` never needs it.
// LINT_OUTDIR keeps the templates there.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const REGION = 'eu-west-1';
const IGNORED = ['W3005'];

/** The cfn-lint to run, or undefined when there is none. */
function cfnLint() {
  if (process.env.CFN_LINT) return process.env.CFN_LINT;
  const beside = resolve(root, '..', 'shared', 'tools', 'cfn-lint', 'cfn-lint');
  if (existsSync(beside)) return beside;
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

/**
 * Synthesizes an app with the CDK CLI, as a user does (cdk.json's context, path and asset
 * metadata); returns whether it succeeded.
 */
function synth(name, app) {
  const dir = join(out, name);
  process.stdout.write(`synthesizing ${name} into ${dir}\n`);
  const r = spawnSync(join(root, 'node_modules', '.bin', 'cdk'), ['synth', '--quiet', '--output', dir, ...(app ? ['--app', app] : [])], {
    cwd: root,
    // aws-cdk-lib's built-in validation is off: cfn-lint is the check here, and it reads the nested templates too.
    env: { ...process.env, CDK_VALIDATION: 'false' },
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    process.stdout.write(`${name}: synthesis failed\n${(r.stderr || r.stdout || String(r.error)).trim()}\n`);
    return false;
  }
  return true;
}

function templates(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory() && !e.name.startsWith('asset.')) return templates(join(dir, e.name));
    return e.isFile() && e.name.endsWith('.template.json') ? [join(dir, e.name)] : [];
  }).sort();
}

// The Lambda handlers the library ships are bundled into assets/ (as `npm ci` does).
spawnSync(process.execPath, ['scripts/bundle-lambdas.mjs'], { cwd: root, stdio: 'ignore' });
const synthesized = [
  synth('examples'),
  synth('every-option', 'node --import tsx test/apps/synth-every-option.ts'),
  // The teams example: the platform team's app and a service team's app (examples/teams).
  synth('teams-platform', 'node --import tsx examples/teams/platform-app.ts'),
  synth('teams-service', 'node --import tsx examples/teams/service-app.ts'),
];

const files = templates(out);
let failed = synthesized.includes(false);
if (files.length === 0) {
  process.stdout.write('no template was synthesized\n');
  process.exit(1);
}

process.stdout.write(`linting ${files.length} templates with ${linter} (regions ${REGION}, ignoring ${IGNORED.join(', ')})\n`);
const r = spawnSync(linter, ['--format', 'json', '--regions', REGION, '--ignore-checks', ...IGNORED, '--', ...files], {
  encoding: 'utf8', maxBuffer: 256 * 1024 * 1024,
});
if (r.error) {
  process.stdout.write(`cannot run cfn-lint (${linter}): ${r.error.message}\nSet CFN_LINT to its path, or install it: pipx install cfn-lint\n`);
  process.exit(1);
}
let findings;
try {
  findings = JSON.parse(r.stdout || '[]');
} catch {
  process.stdout.write(`cfn-lint failed (exit code ${r.status}):\n${r.stdout}${r.stderr}\n`);
  process.exit(1);
}

const shorten = (s) => (s.length > 400 ? `${s.slice(0, 400)}... (${s.length} characters)` : s);
const counts = { Error: 0, Warning: 0, Informational: 0 };
for (const f of findings) {
  counts[f.Level] = (counts[f.Level] ?? 0) + 1;
  const file = relative(out, f.Filename);
  const line = f.Location?.Start?.LineNumber;
  const where = (f.Location?.Path ?? []).join('/');
  process.stdout.write(`${f.Level.padEnd(13)} ${f.Rule.Id} ${file}:${line} ${where}\n    ${shorten(f.Message)}\n`);
}
process.stdout.write(`cfn-lint: ${counts.Error} errors, ${counts.Warning} warnings, ${counts.Informational} informational in ${files.length} templates\n`);
if (counts.Error + counts.Warning > 0 || (r.status !== 0 && findings.length === 0)) failed = true;

if (process.env.LINT_OUTDIR) process.stdout.write(`templates kept in ${out}\n`);
else rmSync(out, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
