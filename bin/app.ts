#!/usr/bin/env node
// The example platform that `npx cdk synth` writes to cdk.out: no AWS account, no lookups.
import { App } from 'aws-cdk-lib';
import { EXAMPLE_ENV } from '../examples/env';
import { ExampleHttpsStack } from '../examples/https-stack';
import { ExamplePlatformStack } from '../examples/platform-stack';
import { ExampleWorkloadsStack } from '../examples/workloads-stack';
import { printSummary } from '../scripts/summary';

const app = new App();
new ExamplePlatformStack(app, 'ExamplePlatform', {
  env: EXAMPLE_ENV,
  description: 'cdk-container-platform example: a shared ALB and two blue/green services with pipelines',
});
new ExampleWorkloadsStack(app, 'ExampleWorkloads', {
  env: EXAMPLE_ENV,
  description: 'cdk-container-platform example: a queue worker, a scheduled job and an S3-triggered task',
});
new ExampleHttpsStack(app, 'ExampleHttps', {
  env: EXAMPLE_ENV,
  description: 'cdk-container-platform example: HTTPS and DNS records for a Route 53 domain',
});
printSummary(app.synth());
