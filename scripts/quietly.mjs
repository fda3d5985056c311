// Runs shell commands side by side and prints a command's output (stdout, then stderr) only
// when it fails: `node scripts/quietly.mjs 'npm run -s build' 'npm run -s lint'`. Exits with
// the first failing command's code once every command has ended. `npm test` runs the build,
// the type check and ESLint this way: each keeps one core busy, and a green run prints nothing.
import { spawn } from 'node:child_process';

const commands = process.argv.slice(2);
if (commands.length === 0) {
  process.stderr.write('usage: node scripts/quietly.mjs COMMAND...\n');
  process.exit(2);
}

function run(command) {
  return new Promise((resolve) => {
    const child = spawn(command, { shell: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (b) => out.push(b));
    child.stderr.on('data', (b) => err.push(b));
    child.on('error', (e) => resolve({ command, code: 1, out: Buffer.alloc(0), err: Buffer.from(`${e.message}\n`) }));
    child.on('close', (code, signal) => resolve({ command, code: code ?? (signal ? 1 : 0), out: Buffer.concat(out), err: Buffer.concat(err) }));
  });
}

const results = await Promise.all(commands.map(run));
const failed = results.filter((r) => r.code !== 0);
for (const r of failed) {
  process.stderr.write(`\n${r.command} failed (exit code ${r.code}):\n`);
  process.stdout.write(r.out);
  process.stderr.write(r.err);
}
process.exit(failed.length > 0 ? failed[0].code : 0);
