// Turns the samples of scripts/bench.mjs into statistics and the markdown report.

/** Median, min and max of a list of numbers (undefined when empty). */
export function summarize(values) {
  if (!values.length) return undefined;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0], max: s.at(-1), count: s.length };
}

/**
 * Per case: time, CPU and memory statistics; the ratio to the baseline with the same N and
 * validation setting; the time above the floor with the same validation setting; the cost of
 * each added service; and the time above the floor per KB of template written, against the
 * baseline's.
 *
 * The ratio to the baseline is the median of the ratios of each round: the platform's and
 * the baseline's runs of one round follow each other, so what slows the machine for a while
 * slows both, and cancels out; a ratio of two medians drawn from different rounds does not.
 */
export function analyze(cases) {
  const stats = new Map(cases.map((c) => [c, {
    time: summarize(c.samples.map((s) => s.seconds)),
    cpu: summarize(c.samples.map((s) => s.cpuSeconds).filter((v) => v !== undefined)),
    memKiB: summarize(c.samples.map((s) => s.peakKiB).filter((k) => k !== undefined)),
  }]));
  const find = (app, n, validation) => cases.find((c) => c.app === app && c.n === n && c.validation === validation && c.kind === 'synth');
  for (const c of cases) {
    const st = stats.get(c);
    if (!st.time || c.kind !== 'synth') continue;
    const baseCase = find('baseline', c.n, c.validation);
    if (c.app === 'platform' && baseCase) {
      st.ratio = pairedRatio(c.samples, baseCase.samples, (s) => s.seconds);
      st.cpuRatio = pairedRatio(c.samples, baseCase.samples, (s) => s.cpuSeconds);
    }
    const floor = stats.get(find('floor', null, c.validation))?.time;
    if (c.app !== 'floor' && floor) st.aboveFloor = st.time.median - floor.median;
    // What the time above the floor buys: per KB of template content written, against the
    // baseline's per KB (below 1: the platform writes each KB in less time than the baseline).
    const base = baseCase && stats.get(baseCase)?.time;
    const baseAbove = base && floor ? base.median - floor.median : undefined;
    if (c.app === 'platform' && st.aboveFloor !== undefined && baseAbove && c.assembly?.contentBytes && baseCase.assembly?.contentBytes) {
      st.perKiBRatio = (st.aboveFloor / c.assembly.contentBytes) / (baseAbove / baseCase.assembly.contentBytes);
    }
    // The cost of each service added since the previous N: constant means linear growth.
    const previous = cases.filter((p) => p.kind === 'synth' && p.app === c.app && p.validation === c.validation && p.n && p.n < c.n)
      .sort((a, b) => b.n - a.n)[0];
    const prevTime = previous && stats.get(previous)?.time;
    if (prevTime) st.perService = (st.time.median - prevTime.median) / (c.n - previous.n);
  }
  return stats;
}

/** The median of value(a) / value(b) over the rounds both measured (undefined if none). */
export function pairedRatio(a, b, value) {
  const byRound = new Map(b.map((s) => [s.round, value(s)]));
  const ratios = a.flatMap((s) => {
    const mine = value(s);
    const theirs = byRound.get(s.round);
    return mine !== undefined && theirs ? [mine / theirs] : [];
  });
  return summarize(ratios)?.median;
}

/** The markdown report: how it was measured, one table per validation setting, the CLI table. */
export function markdown({ machine, options, cases, stats }) {
  const out = [
    '# Synth benchmark',
    '',
    `${machine.date} · ${machine.cpus} × ${machine.cpuModel} · ${gib(machine.memoryBytes)} GiB memory · Node ${machine.node} · ` +
      `aws-cdk-lib ${machine.cdkLib} (platform and baseline) · ` +
      `load average ${machine.loadStart} at start, ${machine.loadEnd} at end · commit ${machine.commit}`,
    '',
    `Medians of ${options.rounds} interleaved rounds (min and max beside them); \`cdk synth\` through the CLI: ` +
      `${options.cliRounds} rounds. Compiled JavaScript on both sides (TypeScript's emit with the published build's settings), the same context (feature flags from cdk.json, ` +
      `the CLI's defaults). "baseline" is the hand-written plain aws-cdk-lib platform (bench/baseline/app.ts), ` +
      '"platform" this library (bench/app.ts), "floor" a one-queue app (bench/baseline/floor.ts). ' +
      `Peak RSS: median of each run's peak resident memory (${options.memLabel}); CPU: user and system time. ` +
      'Vs baseline: the median of the ratios of each round (the two runs of a round follow each other). ' +
      'Per added service: the time each service added since the previous N costs (constant = linear growth). ' +
      'Per KB vs baseline: the time above the floor per KB of template content written, against the ' +
      'baseline\'s with the same N (below 1: each KB takes less time than in the baseline). ' +
      'What each synth writes: stacks are the *.template.json files (nested included); largest: the template ' +
      'with the most resources; all: every template together (KB of compact JSON, without indentation).',
  ];
  for (const validation of ['on', 'off']) {
    out.push('', `## Built-in CloudFormation validation ${validation}${validation === 'off' ? ' (CDK_VALIDATION=false)' : ''}`, '');
    out.push('| app | N | synth median | min | max | CPU median | vs baseline | vs baseline, CPU | above floor | per added service | per KB vs baseline | peak RSS |');
    out.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const c of cases.filter((x) => x.kind === 'synth' && x.validation === validation)) out.push(synthRow(c, stats.get(c)));
  }
  // What a synth writes does not depend on the validation setting: one row per app and N.
  const written = cases.filter((c) => c.kind === 'synth' && c.validation === 'off');
  if (written.some((c) => c.assembly)) {
    out.push('', '## What each synth writes', '');
    out.push('| app | N | stacks | largest: resources | largest: bytes | all: resources | all: KB |');
    out.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const c of written) out.push(writtenRow(c));
  }
  const cli = cases.filter((c) => c.kind === 'cli');
  if (cli.length) {
    out.push('', '## `npx cdk synth -q` (the quickstart: CLI, TypeScript run by tsx, no compiled JS)', '');
    out.push('| command | validation | median | min | max | peak RSS, largest process | runs |');
    out.push('| --- | --- | ---: | ---: | ---: | ---: | ---: |');
    for (const c of cli) out.push(cliRow(c, stats.get(c)));
  }
  const failures = cases.filter((c) => c.error);
  if (failures.length) {
    out.push('', '## Failures', '');
    for (const c of failures) out.push(`- ${c.label}, validation ${c.validation}, round ${c.failedRound}: ${c.error}`);
  }
  return `${out.join('\n')}\n`;
}

function synthRow(c, st) {
  const head = [c.app, c.n ?? '-'];
  if (c.error && !st.time) return row([...head, `**failed**: ${cell(c.error)}`, '', '', '', '', '', '', '', '', '']);
  const t = st.time;
  const note = c.error ? ` (failed in round ${c.failedRound})` : '';
  const times = (r) => (r === undefined ? '-' : `${r.toFixed(2)}×`);
  return row([
    ...head,
    `${sec(t.median)}${note}`, sec(t.min), sec(t.max),
    st.cpu ? sec(st.cpu.median) : '-',
    times(st.ratio), times(st.cpuRatio),
    st.aboveFloor === undefined ? '-' : `${st.aboveFloor >= 0 ? '+' : ''}${sec(st.aboveFloor)}`,
    st.perService === undefined ? '-' : sec(st.perService),
    times(st.perKiBRatio),
    mib(st.memKiB?.median),
  ]);
}

function writtenRow(c) {
  const a = c.assembly;
  if (!a) return row([c.app, c.n ?? '-', '-', '-', '-', '-', '-']);
  return row([c.app, c.n ?? '-', a.stacks, a.largestResources, a.largestBytes.toLocaleString('en-US'),
    a.totalResources.toLocaleString('en-US'), Math.round(a.contentBytes / 1024).toLocaleString('en-US')]);
}

function cliRow(c, st) {
  if (c.error && !st.time) return row([c.label, c.validation, `**failed**: ${cell(c.error)}`, '', '', '', '']);
  const t = st.time;
  return row([c.label, c.validation, sec(t.median), sec(t.min), sec(t.max), mib(st.memKiB?.median), t.count]);
}

const row = (cells) => `| ${cells.join(' | ')} |`;
const sec = (s) => `${s.toFixed(2)} s`;
const mib = (kib) => (kib === undefined ? '-' : `${Math.round(kib / 1024)} MiB`);
const gib = (bytes) => (bytes / 2 ** 30).toFixed(1);
/** An error for a table cell: shortened (the Failures list has the whole line), pipes escaped. */
const cell = (s) => (s.length > 110 ? `${s.slice(0, 109)}…` : s).replace(/\|/g, '\\|');
