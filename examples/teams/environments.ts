import { Environment, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/**
 * The example accounts of the teams example: a tooling account for the pipelines, and one
 * account for each environment, all in eu-west-1. Replace them with yours to deploy.
 */
export const TOOLING: Environment = { account: '111111111111', region: 'eu-west-1' };
export const STAGING: Environment = { account: '222222222222', region: 'eu-west-1' };
export const PRODUCTION: Environment = { account: '333333333333', region: 'eu-west-1' };

/** The environments the platform runs in and services are promoted through, in order. */
export const ENVIRONMENTS: ReadonlyArray<{ readonly name: string; readonly env: Environment }> = [
  { name: 'Staging', env: STAGING },
  { name: 'Production', env: PRODUCTION },
];

/** The platform's name in every environment: what the service teams import. */
export const PLATFORM_NAME = 'shop';

/** The Availability Zones of eu-west-1, as a context lookup would answer them. */
export const EXAMPLE_AZS = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];

/**
 * A stack in one of the example's accounts that answers its Availability Zones lookup from its
 * own context, so that synthesis looks nothing up (cdk.json holds eu-west-1's zones for the
 * account 111111111111 only). With your own accounts, use `Stack` and let `cdk synth` look the
 * zones up once (it records them in cdk.context.json).
 * @see https://docs.aws.amazon.com/cdk/v2/guide/context.html
 */
export class EnvironmentStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps) {
    super(scope, id, props);
    this.node.setContext(`availability-zones:account=${this.account}:region=${this.region}`, EXAMPLE_AZS);
  }
}
