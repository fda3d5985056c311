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
 * Per case: time and memory statistics, the ratio to the baseline with the same N and
 * validation setting, and the time above the floor with the same validation setting.
 */
export function analyze(cases) {
  const stats = new Map(cases.map((c) => [c, {
    time: summarize(c.samples.map((s) => s.seconds)),
    memKiB: summarize(c.samples.map((s) => s.peakKiB).filter((k) => k !== undefined)),
  }]));
  const find = (app, n, validation) => cases.find((c) => c.app === app && c.n === n && c.validation === validation && c.kind === 'synth');
  for (const c of cases) {
    const st = stats.get(c);
    if (!st.time || c.kind !== 'synth') continue;
    const base = stats.get(find('baseline', c.n, c.validation))?.time;
    if (c.app === 'platform' && base) st.ratio = st.time.median / base.median;
    const floor = stats.get(find('floor', null, c.validation))?.time;
    if (c.app !== 'floor' && floor) st.aboveFloor = st.time.median - floor.median;
    // What the time above the floor buys: per KB of template content written, against the
    // baseline's per KB (below 1: the platform writes each KB faster than the baseline does).
    const baseCase = find('baseline', c.n, c.validation);
    const baseAbove = base && floor ? base.median - floor.median : undefined;
    if (c.app === 'platform' && st.aboveFloor !== undefined && baseAbove && c.assembly?.contentBytes && baseCase?.assembly?.contentBytes) {
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
      `${options.cliRounds} rounds. Compiled JavaScript on both sides, the same context (feature flags from cdk.json, ` +
      `the CLI's defaults). "baseline" is the hand-written plain aws-cdk-lib platform (bench/baseline/app.ts), ` +
      '"platform" this library (bench/app.ts), "floor" a one-queue app (bench/baseline/floor.ts). ' +
      `Peak RSS: median of each run's peak resident memory (${options.memLabel}). ` +
      'Per added service: the time each service added since the previous N costs (constant = linear growth). ' +
      'Stacks: *.template.json files written (nested included); largest: the template with the most resources; ' +
      'all: every template together (KB of compact JSON, without indentation). Per KB vs baseline: the time above ' +
      'the floor per KB of template content, against the baseline\'s with the same N (what the time buys; the ' +
      'platform writes more per service).',
  ];
  for (const validation of ['on', 'off']) {
    out.push('', `## Built-in CloudFormation validation ${validation}${validation === 'off' ? ' (CDK_VALIDATION=false)' : ''}`, '');
    out.push('| app | N | synth median | min | max | vs baseline | above floor | per added service | peak RSS | stacks | largest: resources | largest: bytes | all: resources | all: KB | per KB vs baseline |');
    out.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const c of cases.filter((x) => x.kind === 'synth' && x.validation === validation)) out.push(synthRow(c, stats.get(c)));
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
  if (c.error && !st.time) return row([...head, `**failed**: ${cell(c.error)}`, '', '', '', '', '', '', '', '', '', '', '', '']);
  const t = st.time;
  const note = c.error ? ` (failed in round ${c.failedRound})` : '';
  return row([
    ...head,
    `${sec(t.median)}${note}`, sec(t.min), sec(t.max),
    st.ratio === undefined ? '-' : `${st.ratio.toFixed(2)}×`,
    st.aboveFloor === undefined ? '-' : `${st.aboveFloor >= 0 ? '+' : ''}${sec(st.aboveFloor)}`,
    st.perService === undefined ? '-' : sec(st.perService),
    mib(st.memKiB?.median),
    c.assembly?.stacks ?? '-',
    c.assembly?.largestResources ?? '-',
    c.assembly ? c.assembly.largestBytes.toLocaleString('en-US') : '-',
    c.assembly?.totalResources ?? '-',
    c.assembly ? Math.round(c.assembly.contentBytes / 1024).toLocaleString('en-US') : '-',
    st.perKiBRatio === undefined ? '-' : `${st.perKiBRatio.toFixed(2)}×`,
  ]);
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
