#!/usr/bin/env node
// `npm run bench`: synth time, memory and output size of this library's platform
// (bench/app.ts) against the hand-written plain aws-cdk-lib baseline (bench/baseline/app.ts)
// and the floor (bench/baseline/floor.ts, a one-queue app). Not a test: it never fails on
// timings. It prints a markdown table and writes bench-results/latest.md and latest.json.
//
//   node scripts/bench.mjs [--rounds N] [--quick] [--cli-rounds N] [--mem time|proc]
//
// Every command runs once per round, rounds interleaved, each with aws-cdk-lib's built-in
// CloudFormation validation on and off (CDK_VALIDATION=false); a synth that fails is
// reported with the first line of its error and not run again.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assemblyStats, memoryMethod, run } from './bench-measure.mjs';
import { cdkLibVersion, cliContext, compileBaseline, compilePlatform } from './bench-prepare.mjs';
import { analyze, markdown } from './bench-report.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const WORK = join(ROOT, 'bench', '.work'); // scratch: compiled apps, synth outputs
const RESULTS = join(ROOT, 'bench-results');

const options = parseArgs(process.argv.slice(2));
const log = (msg) => process.stderr.write(`${msg}\n`);

// ---- build both sides -------------------------------------------------------------
log('baseline: compiling bench/baseline/*.ts with TypeScript ...');
const baseline = await compileBaseline(ROOT, join(WORK, 'baseline'));
if (baseline.error) log(`baseline: ${baseline.error} (the floor and baseline rows will be reported as failures)`);
log('platform: compiling bench/app.ts and lib/ with TypeScript ...');
const platform = await compilePlatform(ROOT, join(WORK, 'js'), log);
if (platform.error) log(`platform: ${platform.error} (its rows will be reported as failures)`);

// The context the CDK CLI hands an app, the same for every app: the CLI's defaults, the
// repository's cdk.json context, and `services` (none for the floor).
const contexts = new Map(); // memoized CDK_CONTEXT_JSON per N
const contextFor = (n) => {
  if (!contexts.has(n)) contexts.set(n, cliContext(ROOT, n ?? undefined));
  return contexts.get(n);
};

// ---- the cases: every command, with validation on and off ---------------------------
const commands = [
  { app: 'floor', n: null, label: 'floor', cwd: ROOT, argv: [process.execPath, baseline.floor], setupError: baseline.error,
    context: () => contextFor(null) },
  ...options.baselineNs.map((n) => ({
    app: 'baseline', n, label: `baseline N=${n}`, cwd: ROOT, argv: [process.execPath, baseline.app], setupError: baseline.error,
    context: () => contextFor(n),
  })),
  ...options.platformNs.map((n) => ({
    app: 'platform', n, label: `platform N=${n}`, cwd: ROOT, argv: [process.execPath, platform.app], setupError: platform.error,
    context: () => contextFor(n),
  })),
];
// Both from the repository root, TypeScript run by tsx: cdk.json's app (the examples), and
// the baseline app with one service (the CLI's --app replaces cdk.json's, keeps its context).
const cliCommands = options.cliRounds === 0 ? [] : [
  { app: 'platform', n: null, label: 'platform: npx cdk synth -q (tsx, bin/app.ts)', cwd: ROOT },
  { app: 'baseline', n: null, label: 'baseline: npx cdk synth -q (tsx, bench/baseline/app.ts, N=1)', cwd: ROOT, cliApp: 'node --import tsx bench/baseline/app.ts' },
];
const cases = [];
for (const validation of ['on', 'off']) {
  for (const c of commands) cases.push({ ...c, kind: 'synth', validation, rounds: options.rounds, samples: [] });
  for (const c of cliCommands) cases.push({ ...c, kind: 'cli', validation, rounds: options.cliRounds, samples: [] });
}

// ---- measure ------------------------------------------------------------------------
const mem = memoryMethod(options.mem);
const loadStart = loadavg()[0].toFixed(2);
const started = Date.now();
log(`${cases.length} cases, ${options.rounds} rounds (CLI: ${options.cliRounds}); peak memory via ${mem === 'time' ? '/usr/bin/time' : '/proc polling'}`);
await warmUp();
for (let round = 1; round <= options.rounds; round++) {
  const roundStart = Date.now();
  process.stderr.write(`round ${round}/${options.rounds} `);
  // Alternate the order of the two validation settings so neither always runs first.
  const order = round % 2 ? ['on', 'off'] : ['off', 'on'];
  for (const validation of order) {
    for (const c of cases.filter((x) => x.validation === validation && round <= x.rounds && !x.error)) {
      await measure(c, round);
      process.stderr.write(c.error ? 'x' : '.');
    }
  }
  const done = (Date.now() - started) / 1000;
  const left = clock((done / round) * (options.rounds - round));
  log(` ${((Date.now() - roundStart) / 1000).toFixed(1)} s, load ${loadavg()[0].toFixed(2)} (elapsed ${clock(done)}, about ${left} left)`);
}
rmSync(join(WORK, 'out'), { recursive: true, force: true });

// ---- report -------------------------------------------------------------------------
const machine = {
  date: new Date().toISOString(),
  cpus: availableParallelism(),
  cpuModel: cpus()[0]?.model.trim() ?? 'unknown CPU',
  memoryBytes: totalmem(),
  node: process.version,
  cdkLib: cdkLibVersion(ROOT), // the repository's, for the platform and the baseline alike
  loadStart,
  loadEnd: loadavg()[0].toFixed(2),
  commit: gitCommit(),
};
const stats = analyze(cases);
const report = markdown({ machine, options: { ...options, memLabel: mem === 'time' ? 'GNU time %M' : '/proc VmHWM polling' }, cases, stats });
mkdirSync(RESULTS, { recursive: true });
writeFileSync(join(RESULTS, 'latest.md'), report);
writeFileSync(join(RESULTS, 'latest.json'), `${JSON.stringify({
  machine,
  options,
  memoryMethod: mem,
  cases: cases.map((c) => ({
    label: c.label, app: c.app, n: c.n, kind: c.kind, validation: c.validation,
    error: c.error, failedRound: c.failedRound, assembly: c.assembly, samples: c.samples, ...stats.get(c),
  })),
}, null, 2)}\n`);
process.stdout.write(`\n${report}`);
log(`written: ${join('bench-results', 'latest.md')} and latest.json (${clock((Date.now() - started) / 1000)})`);

// ---- helpers --------------------------------------------------------------------------

/** Runs one case once; records the sample, or the failure (the case is then not run again). */
async function measure(c, round) {
  if (c.setupError) {
    Object.assign(c, { error: c.setupError, failedRound: round });
    return;
  }
  const outDir = join(WORK, 'out', `${c.kind}-${c.app}-${c.n ?? 0}-${c.validation}`);
  rmSync(outDir, { recursive: true, force: true });
  const env = { ...process.env };
  for (const k of ['CDK_CONTEXT_JSON', 'CDK_OUTDIR', 'CDK_VALIDATION']) delete env[k];
  if (c.validation === 'off') env.CDK_VALIDATION = 'false'; // read by aws-cdk-lib's App at synth
  let argv = c.argv;
  if (c.kind === 'cli') {
    argv = ['npx', 'cdk', 'synth', '-q', '-o', outDir, ...(c.cliApp ? ['--app', c.cliApp] : [])]; // -o: leave the project's cdk.out alone
  } else {
    env.CDK_CONTEXT_JSON = c.context();
    env.CDK_OUTDIR = outDir;
  }
  const load = loadavg()[0]; // other work on the machine skews timings: keep it with the sample
  const r = await run(argv, { cwd: c.cwd, env, mem });
  if (r.ok) {
    c.samples.push({ round, seconds: r.seconds, cpuSeconds: r.cpuSeconds, peakKiB: r.peakKiB, load });
    c.assembly = assemblyStats(outDir);
  } else {
    Object.assign(c, { error: r.error, failedRound: round });
  }
  rmSync(outDir, { recursive: true, force: true });
}

/**
 * One untimed run of the smallest app of each kind, so that round 1 does not pay alone
 * for cold disk caches. Failures here show up again, and are reported, in round 1.
 */
async function warmUp() {
  process.stderr.write('warm-up ');
  for (const c of cases.filter((x) => x.kind === 'synth' && x.validation === 'off' && (x.n === null || x.n === 1))) {
    const probe = { ...c, samples: [] };
    await measure(probe, 0);
    process.stderr.write(probe.error ? 'x' : '.');
  }
  log('');
}

function parseArgs(args) {
  const o = { rounds: 5, cliRounds: undefined, mem: undefined, baselineNs: [1, 5, 10], platformNs: [1, 5, 10, 50, 100] };
  let quick = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = () => {
      const v = args[++i];
      if (v === undefined) usage(`${a} needs a value`);
      return v;
    };
    const count = (min) => {
      const v = Number(value());
      if (!Number.isInteger(v) || v < min) usage(`${a} needs an integer >= ${min}`);
      return v;
    };
    if (a === '--rounds') o.rounds = count(1);
    else if (a === '--cli-rounds') o.cliRounds = count(0);
    else if (a === '--quick') quick = true;
    else if (a === '--mem') {
      o.mem = value();
      if (!['time', 'proc'].includes(o.mem)) usage('--mem is time or proc');
    }
    else if (a === '--help' || a === '-h') usage();
    else usage(`unknown option ${a}`);
  }
  if (quick) {
    o.platformNs = [1, 5, 10];
    if (!args.includes('--rounds')) o.rounds = 2;
    o.cliRounds ??= 1;
  }
  o.cliRounds = Math.min(o.cliRounds ?? 3, o.rounds);
  return o;
}

function usage(problem) {
  const text = [
    'usage: node scripts/bench.mjs [--rounds N] [--quick] [--cli-rounds N] [--mem time|proc]',
    '  --rounds N      interleaved rounds of every compiled synth (default 5)',
    '  --quick         N = 1, 5, 10 only, 2 rounds, 1 round of `npx cdk synth`',
    '  --cli-rounds N  rounds of `npx cdk synth -q` (default 3, at most --rounds; 0 skips it)',
    '  --mem M         peak memory via GNU /usr/bin/time or /proc polling (default: time when available)',
  ].join('\n');
  if (problem) {
    process.stderr.write(`${problem}\n${text}\n`);
    process.exit(2);
  }
  process.stdout.write(`${text}\n`);
  process.exit(0);
}

function clock(seconds) {
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

function gitCommit() {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'lib', 'bench'], { cwd: ROOT, encoding: 'utf8' }).trim();
    return dirty ? `${head} (lib/ or bench/ modified)` : head;
  } catch {
    return 'unknown';
  }
}
