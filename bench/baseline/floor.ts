// The floor of `npm run bench`: the smallest app, one SQS queue in one stack. What every CDK
// app pays to synthesize (loading aws-cdk-lib, the App, writing the assembly), measured
// beside the baseline and the platform so that their times can be read above it.
import { App, Stack } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';

const app = new App();
const stack = new Stack(app, 'Floor');
new sqs.Queue(stack, 'Queue');
