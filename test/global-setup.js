// Every App created in the tests writes its cloud assembly under one temporary
// folder that this run owns and removes, instead of leaving cdk.out folders behind.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

module.exports = async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccp-jest-'));
  process.env.TMPDIR = dir;
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  // The handlers' AWS SDK clients (run in process by the handler and lifecycle tests) warn once
  // per worker that SDK versions of 2027 will need Node.js 22 (engines allows 20): that is no
  // test's outcome. The SDK's documented switch turns the warning off.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
};
