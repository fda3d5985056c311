// Every App created in the tests writes its cloud assembly under one temporary
// folder that this run owns and removes, instead of leaving cdk.out folders behind.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

module.exports = async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccp-jest-'));
  process.env.TMPDIR = dir;
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
};
