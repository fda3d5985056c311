import { Environment } from 'aws-cdk-lib';

/**
 * The fixed example account and region of the examples. Synthesis stays offline: cdk.json
 * holds this region's availability zones, so nothing is looked up. Replace both to deploy.
 */
export const EXAMPLE_ENV: Environment = { account: '111111111111', region: 'eu-west-1' };
