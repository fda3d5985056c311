// A Jest reporter that prints nothing: after a run it writes test-results/timings.txt, every
// suite with its wall time and its CPU time (user + system, from test/setup-after-env.ts),
// slowest first, and the run's totals. Compare CPU times between runs: on a shared machine the
// wall times say as much about the other processes as about the tests.
const fs = require('node:fs');
const path = require('node:path');

class TimingsReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
    this.outDir = path.join(this.rootDir, 'test-results');
    this.cpuDir = path.join(this.outDir, 'cpu');
  }

  onRunStart() {
    fs.rmSync(this.cpuDir, { recursive: true, force: true });
    fs.mkdirSync(this.cpuDir, { recursive: true });
    process.env.CCP_TEST_CPU_DIR = this.cpuDir;
  }

  onRunComplete(_contexts, results) {
    const cpu = new Map();
    for (const file of fs.existsSync(this.cpuDir) ? fs.readdirSync(this.cpuDir) : []) {
      for (const line of fs.readFileSync(path.join(this.cpuDir, file), 'utf8').split('\n').filter(Boolean)) {
        const { testPath, cpuMs } = JSON.parse(line);
        cpu.set(testPath, cpuMs);
      }
    }
    fs.rmSync(this.cpuDir, { recursive: true, force: true });
    const suites = results.testResults.map((r) => ({
      name: path.relative(this.rootDir, r.testFilePath),
      wall: (r.perfStats.end - r.perfStats.start) / 1000,
      cpu: cpu.has(r.testFilePath) ? cpu.get(r.testFilePath) / 1000 : undefined,
      tests: r.numPassingTests + r.numFailingTests + r.numPendingTests + r.numTodoTests,
      failed: r.numFailingTests > 0 || r.testExecError !== undefined,
    })).sort((a, b) => b.wall - a.wall);
    const sum = (key) => suites.reduce((s, x) => s + (x[key] ?? 0), 0);
    const s = (n) => (n === undefined ? '-' : n.toFixed(1)).padStart(7);
    const lines = [
      `${suites.length} suites, ${results.numTotalTests} tests, ${results.numFailedTests} failed; `
        + `run ${((Date.now() - results.startTime) / 1000).toFixed(1)} s wall; suites ${sum('wall').toFixed(1)} s wall, ${sum('cpu').toFixed(1)} s CPU`,
      '',
      `${'wall s'.padStart(7)} ${'CPU s'.padStart(7)} ${'tests'.padStart(5)}  suite`,
      ...suites.map((x) => `${s(x.wall)} ${s(x.cpu)} ${String(x.tests).padStart(5)}  ${x.name}${x.failed ? '  (failed)' : ''}`),
    ];
    fs.mkdirSync(this.outDir, { recursive: true });
    fs.writeFileSync(path.join(this.outDir, 'timings.txt'), `${lines.join('\n')}\n`);
  }
}

module.exports = TimingsReporter;
