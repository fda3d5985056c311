// Runs one command of the benchmark and measures it: wall-clock time, CPU time, peak
// resident memory, and what it wrote to its cloud assembly directory. Used by scripts/bench.mjs.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const GNU_TIME = '/usr/bin/time';

/**
 * How peak memory is measured: 'time' (GNU time's %M, the kernel's ru_maxrss of the
 * largest process in the tree, exact) when /usr/bin/time is GNU time, otherwise 'proc'
 * (polls VmHWM in /proc/<pid>/status of the process and its descendants). CPU time (GNU
 * time's %U + %S: user and system time of the process and the children it waited for) is
 * only measured with 'time'.
 */
export function memoryMethod(preferred) {
  if (preferred === 'proc') return 'proc';
  const probe = spawnSync(GNU_TIME, ['-f', '%M', 'true'], { encoding: 'utf8' });
  const ok = probe.status === 0 && /^\d+\s*$/.test(probe.stderr);
  if (preferred === 'time' && !ok) throw new Error(`${GNU_TIME} is not GNU time; use --mem proc`);
  return ok ? 'time' : 'proc';
}

/**
 * Runs `argv` in `cwd` with `env` and resolves to
 * { ok, seconds, cpuSeconds, peakKiB, stderr, error } where `error` is the first line of the
 * failure and `cpuSeconds` is undefined without GNU time.
 */
export function run(argv, { cwd, env, mem }) {
  const memFile = mem === 'time' ? join(mkdtempSync(join(tmpdir(), 'bench-mem-')), 'maxrss') : undefined;
  const cmd = memFile ? [GNU_TIME, '-f', '%U %S %M', '-o', memFile, ...argv] : argv;
  return new Promise((resolve) => {
    const start = process.hrtime.bigint();
    const child = spawn(cmd[0], cmd.slice(1), { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    const poller = mem === 'proc' ? pollPeak(child.pid) : undefined;
    const chunks = [];
    child.stderr.on('data', (c) => chunks.push(c));
    const finish = (code, spawnError) => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      let peakKiB = poller?.stop();
      let cpuSeconds;
      if (memFile) {
        // GNU time writes "Command exited with non-zero status N" before its line on failure.
        const lines = existsSync(memFile) ? readFileSync(memFile, 'utf8').trim().split('\n') : [];
        const [user, system, maxrss] = (lines.at(-1) ?? '').split(' ').map(Number);
        peakKiB = maxrss || undefined;
        cpuSeconds = Number.isFinite(user) && Number.isFinite(system) ? user + system : undefined;
        rmSync(join(memFile, '..'), { recursive: true, force: true });
      }
      const stderr = Buffer.concat(chunks).toString('utf8');
      const ok = code === 0 && !spawnError;
      resolve({ ok, seconds, cpuSeconds, peakKiB, stderr, error: ok ? undefined : spawnError?.message ?? firstErrorLine(stderr, code) });
    };
    child.on('error', (e) => finish(null, e));
    child.on('close', (code) => finish(code));
  });
}

/**
 * Polls the peak resident memory (VmHWM) of a process and its descendants every 25 ms.
 * Growth in the last few milliseconds before a process exits can be missed.
 */
function pollPeak(rootPid) {
  const peaks = new Map(); // pid -> highest VmHWM seen, in KiB
  const sample = () => {
    for (const pid of descendants(rootPid)) {
      const kib = readHwm(pid);
      if (kib > (peaks.get(pid) ?? 0)) peaks.set(pid, kib);
    }
  };
  sample();
  const timer = setInterval(sample, 25);
  return { stop: () => { clearInterval(timer); return peaks.size ? Math.max(...peaks.values()) : undefined; } };
}

function readHwm(pid) {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0; // already gone
  }
}

/** `rootPid` and all its descendants, from the parent pid field of /proc/<pid>/stat. */
function descendants(rootPid) {
  const children = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Fields after the command name, which is in parentheses and may contain spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(name));
    } catch {
      // exited while we were reading
    }
  }
  const out = [];
  const todo = [rootPid];
  while (todo.length) {
    const pid = todo.pop();
    out.push(pid);
    todo.push(...(children.get(pid) ?? []));
  }
  return out;
}

/**
 * The line that says what went wrong. Node prints an uncaught error after a header of
 * "file:line", the source line (minified in aws-cdk-lib, so very long) and a caret line;
 * skip that header. Otherwise take the first line that names an error.
 */
export function firstErrorLine(stderr, code) {
  const lines = stderr.split('\n').map((l) => l.trimEnd());
  const header = lines.findLastIndex((l) => /^\S+:\d+$/.test(l));
  if (header >= 0) {
    const blank = lines.indexOf('', header);
    const rest = lines.slice(blank + 1).filter((l) => l.trim());
    // "Error: 1 invalid prop:" says little; the first item of its list says what is wrong.
    if (rest[0]?.endsWith(':') && rest[1] && !/^\s+at /.test(rest[1])) return clip(`${rest[0]} ${rest[1].trim()}`);
    if (rest[0]) return clip(rest[0].replace(/^\[/, ''));
  }
  const named = lines.find((l) => /\b\w*Error\b|«\w+»/.test(l) && !/^\s+at /.test(l));
  return clip(named ?? lines.find((l) => l.trim()) ?? `exit code ${code}`);
}

function clip(line, max = 300) {
  const s = line.trim();
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/**
 * What a synth wrote: the number of stacks (every *.template.json, nested stacks and
 * stages included), the template with the most resources (its resources and bytes), and all
 * templates together: their resources and the bytes of their content (compact JSON, so the
 * CLI's indentation does not count).
 */
export function assemblyStats(dir) {
  const templates = findTemplates(dir);
  let largest = { resources: 0, bytes: 0 };
  let totalResources = 0;
  let contentBytes = 0;
  for (const file of templates) {
    const text = readFileSync(file, 'utf8');
    const template = JSON.parse(text);
    const resources = Object.keys(template.Resources ?? {}).length;
    const bytes = Buffer.byteLength(text);
    totalResources += resources;
    contentBytes += Buffer.byteLength(JSON.stringify(template));
    if (resources > largest.resources || (resources === largest.resources && bytes > largest.bytes)) {
      largest = { resources, bytes };
    }
  }
  return { stacks: templates.length, largestResources: largest.resources, largestBytes: largest.bytes, totalResources, contentBytes };
}

function findTemplates(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return findTemplates(path);
    return name.endsWith('.template.json') ? [path] : [];
  });
}
