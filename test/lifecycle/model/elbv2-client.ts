/**
 * Stands in for `@aws-sdk/client-elastic-load-balancing-v2` while it is not a devDependency of
 * this project (the Lambda Node.js runtime ships it; the service-state handler loads it on
 * first use). Its class names and the command's `input` are the SDK's, so `routeSdkTo` routes
 * it to the model like the other clients. The lifecycle tests of blue/green services map the
 * package to this file with `jest.mock(..., { virtual: true })`.
 */
export class ElasticLoadBalancingV2Client {
  constructor(public readonly config: Record<string, unknown> = {}) {}

  public async send(command: { constructor: { name: string } }): Promise<unknown> {
    throw new Error(`${command.constructor.name} was sent outside the lifecycle model`);
  }
}

/** elasticloadbalancing:DescribeRules. */
export class DescribeRulesCommand {
  constructor(public readonly input: Record<string, unknown>) {}
}
