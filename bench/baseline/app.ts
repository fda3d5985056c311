// The baseline app of `npm run bench`: the hand-written plain aws-cdk-lib stack of
// baseline-stack.ts with N services, N from the context key `services` (as bench/app.ts).
// scripts/bench.mjs compiles it to JavaScript with TypeScript and runs it with the CLI's
// context; `npx cdk synth -q --app 'node --import tsx bench/baseline/app.ts'` runs it too.
import { App } from 'aws-cdk-lib';
import { BaselineStack } from './baseline-stack';

const app = new App();

const raw = app.node.tryGetContext('services') ?? 1;
const services = Number(raw);
if (!Number.isInteger(services) || services < 1) {
  throw new Error(`context "services" must be a positive integer, got: ${raw}`);
}

// The platform's account and region (bench/app.ts); cdk.json holds this region's availability zones.
new BaselineStack(app, 'Baseline', { services, env: { account: '111111111111', region: 'eu-west-1' } });
