// Every App created in the tests writes its cloud assembly under one temporary
// folder that this run owns and removes, instead of leaving cdk.out folders behind.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/**
 * Where the run's folder goes: TMPDIR when it is set; else a memory file system (/dev/shm)
 * with room to spare, since every synth writes and deletes its assembly (on a disk, a run
 * spent some 20 s in those writes and deletions); else the system's temporary directory.
 */
function scratchRoot() {
  if (process.env.TMPDIR) return os.tmpdir();
  try {
    const { bavail, bsize } = fs.statfsSync('/dev/shm');
    if (bavail * bsize >= 2 * 1024 ** 3) return '/dev/shm';
  } catch {
    // no /dev/shm
  }
  return os.tmpdir();
}

module.exports = async () => {
  const dir = fs.mkdtempSync(path.join(scratchRoot(), 'ccp-jest-'));
  process.env.TMPDIR = dir;
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  // The handlers' AWS SDK clients (run in process by the handler and lifecycle tests) warn once
  // per worker that SDK versions of 2027 will need Node.js 22 (engines allows 20): that is no
  // test's outcome. The SDK's documented switch turns the warning off.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
};
