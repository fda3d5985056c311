import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ContainerPlatform, ContainerPlatformProps, Routing } from '../../lib';
import { CDK_CONTEXT, errorOf, templateOf } from '../util';

/** cdk.json's feature flags without the example region's zones: what a user's new app has. */
const NO_ZONES = Object.fromEntries(Object.entries(CDK_CONTEXT).filter(([key]) => !key.startsWith('availability-zones:')));

/** A stack of a user's app (account 123456789012, eu-west-1) whose context holds no availability zones. */
function userStack(region = 'eu-west-1'): Stack {
  const app = new App({ context: { ...NO_ZONES, 'aws:cdk:disable-stack-trace': true }, builtinCloudFormationValidation: false, treeMetadata: false });
  return new Stack(app, 'Shop', { env: { account: '123456789012', region } });
}

function platformError(props: ContainerPlatformProps, stack = userStack()): string {
  return errorOf(() => new ContainerPlatform(stack, 'Platform', props));
}

describe('availabilityZones: offline synthesis in a user\'s app', () => {
  test('with availabilityZones, synthesis looks nothing up, and the VPC spans exactly those zones', () => {
    // GIVEN a user's app without zones in its context
    const stack = userStack();
    const platform = new ContainerPlatform(stack, 'Platform', { availabilityZones: ['eu-west-1a', 'eu-west-1c'] });
    platform.addService('Orders', { routing: Routing.path('/orders/*') });
    // WHEN
    const assembly = stack.node.root instanceof App ? stack.node.root.synth() : undefined;
    // THEN no context is missing, so `cdk synth` never asks AWS
    expect(assembly!.manifest.missing ?? []).toEqual([]);
    const zones = Object.values(Template.fromStack(stack).findResources('AWS::EC2::Subnet')).map((s) => s.Properties.AvailabilityZone);
    expect([...new Set(zones)].sort()).toEqual(['eu-west-1a', 'eu-west-1c']);
    expect(platform.vpc.availabilityZones).toEqual(['eu-west-1a', 'eu-west-1c']);
  });

  test('the stack answers its own availability zones again once the VPC is built', () => {
    // GIVEN
    const stack = userStack();
    new ContainerPlatform(stack, 'Platform', { availabilityZones: ['eu-west-1a', 'eu-west-1b'] });
    // WHEN the app reads the stack's zones itself
    const zones = stack.availabilityZones;
    // THEN it gets aws-cdk-lib's lookup (its dummy zones until the CLI fills the context), not the platform's
    expect(zones).toEqual(['dummy1a', 'dummy1b', 'dummy1c']);
    expect(Object.getOwnPropertyDescriptor(stack, 'availabilityZones')).toBeUndefined();
  });

  test('without availabilityZones, a user\'s app without zones in cdk.json needs a lookup (what the prop avoids)', () => {
    // GIVEN
    const stack = userStack();
    new ContainerPlatform(stack, 'Platform');
    // WHEN
    const assembly = (stack.node.root as App).synth();
    // THEN
    expect((assembly.manifest.missing ?? []).map((m) => m.key)).toEqual(['availability-zones:account=123456789012:region=eu-west-1']);
  });

  test('the zones go with natGateways 0 (isolated subnets and endpoints in each zone) and with vpcCidr', () => {
    // GIVEN
    const stack = userStack();
    new ContainerPlatform(stack, 'Platform', { availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'], natGateways: 0, vpcCidr: '10.1.0.0/16' });
    // WHEN
    const assembly = (stack.node.root as App).synth();
    // THEN
    expect(assembly.manifest.missing ?? []).toEqual([]);
    const template = templateOf(stack);
    template.resourceCountIs('AWS::EC2::Subnet', 6);
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
  });

  test('fewer than two zones, a repeated zone and a zone of another region fail together', () => {
    // GIVEN / WHEN
    const one = platformError({ availabilityZones: ['eu-west-1a'] });
    const wrong = platformError({ availabilityZones: ['eu-west-1a', 'eu-west-1a', 'us-east-1a'] });
    // THEN
    expect(one).toBe('[Shop/Platform] 1 invalid prop:\n'
      + '  - availabilityZones: received ["eu-west-1a"]; allowed: 2 to 6 zones (an Application Load Balancer needs subnets in two; regions have at most 6). '
      + "Fix: name two or more zones, such as ['eu-west-1a', 'eu-west-1b'].");
    expect(wrong).toBe('[Shop/Platform] 2 invalid props:\n'
      + '  - availabilityZones[1]: received "eu-west-1a"; allowed: each zone once. Fix: remove the repeated zone.\n'
      + '  - availabilityZones[2]: received "us-east-1a"; allowed: an availability zone of the stack\'s region eu-west-1, such as eu-west-1a. Fix: use zones of eu-west-1.');
  });

  test('a zone ID instead of a name fails with how to tell them apart', () => {
    // GIVEN / WHEN
    const message = platformError({ availabilityZones: ['euw1-az1', 'euw1-az2'] });
    // THEN
    expect(message).toContain("  - availabilityZones[0]: received \"euw1-az1\"; allowed: an availability zone of the stack's region eu-west-1, such as eu-west-1a. "
      + "Fix: use the zone's name, not its ID (the EC2 console shows both; names map to IDs per account).");
  });

  test('a zone the context records the account does not have fails, naming the record; without a record the name is all there is to check', () => {
    // GIVEN a user's app whose context records the account's zones in eu-west-1 (as `cdk synth`
    // writes them to cdk.context.json after its lookup), and one without that record
    const key = 'availability-zones:account=123456789012:region=eu-west-1';
    const recorded = (): Stack => {
      const stack = userStack();
      stack.node.setContext(key, ['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
      return stack;
    };
    // WHEN a zone the account has not got is named
    const message = platformError({ availabilityZones: ['eu-west-1a', 'eu-west-1d'] }, recorded());
    // THEN the error names the zone, the zones recorded, the key and how to refresh it
    expect(message).toBe('[Shop/Platform] 1 invalid prop:\n'
      + '  - availabilityZones[1]: received "eu-west-1d"; allowed: one of the zones the account has in eu-west-1, as the context key '
      + `"${key}" records them: eu-west-1a, eu-west-1b, eu-west-1c. `
      + `Fix: use one of those zones; if the account has gained zones since, refresh the record with \`cdk context --reset ${key}\`.`);
    // AND recorded zones pass, and nothing is looked up
    const stack = recorded();
    new ContainerPlatform(stack, 'Platform', { availabilityZones: ['eu-west-1c', 'eu-west-1a'] });
    expect((stack.node.root as App).synth().manifest.missing ?? []).toEqual([]);
    // AND without the record, the same zone passes (the app stays offline; EC2 has the last word)
    expect(() => new ContainerPlatform(userStack(), 'Platform', { availabilityZones: ['eu-west-1a', 'eu-west-1d'] })).not.toThrow();
  });

  test('together with vpc it fails and says what to do', () => {
    // GIVEN
    const stack = userStack();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-1', availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      publicSubnetIds: ['s-1', 's-2'], privateSubnetIds: ['s-3', 's-4'],
    });
    // WHEN
    const message = platformError({ vpc, availabilityZones: ['eu-west-1a', 'eu-west-1b'] }, stack);
    // THEN
    expect(message).toContain('  - availabilityZones: received ["eu-west-1a","eu-west-1b"]; allowed: nothing when `vpc` is passed (the VPC is yours). '
      + 'Fix: remove `availabilityZones`, or remove `vpc` to let the platform create one.');
  });

  test('maxAzs must agree with the zones when both are set', () => {
    // GIVEN / WHEN
    const message = platformError({ availabilityZones: ['eu-west-1a', 'eu-west-1b'], maxAzs: 3 });
    const agreeing = () => new ContainerPlatform(userStack(), 'Platform', { availabilityZones: ['eu-west-1a', 'eu-west-1b'], maxAzs: 2 });
    // THEN
    expect(message).toBe('[Shop/Platform] 1 invalid prop:\n'
      + '  - maxAzs: received 3; allowed: nothing, or the number of availabilityZones (2). Fix: remove `maxAzs`: the zones you name decide how many there are.');
    expect(agreeing).not.toThrow();
  });

  test('natGateways is checked against the number of zones given', () => {
    // GIVEN / WHEN
    const message = platformError({ availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'], natGateways: 4 });
    // THEN
    expect(message).toContain('  - natGateways: received 4; allowed: an integer from 0 to 3. Fix: use 0 (VPC endpoints instead), 1 (cheapest) or up to one per AZ (3).');
  });

  test('a token list fails; a token zone in a literal list passes', () => {
    // GIVEN / WHEN
    const list = platformError({ availabilityZones: Token.asList({ Ref: 'Zones' }) });
    const oneToken = () => new ContainerPlatform(userStack(), 'Platform', { availabilityZones: ['eu-west-1a', Token.asString({ Ref: 'Zone' })] });
    // THEN
    expect(list).toContain('  - availabilityZones: received "an unresolved token"; allowed: a list known at synth');
    expect(oneToken).not.toThrow();
  });

  test('aws-cdk-lib\'s built-in validation does not warn about the named zones (W3010): they are named on purpose, and acknowledged with the reason', () => {
    // GIVEN a user's app with the built-in CloudFormation validation on (its default)
    const app = new App({ context: { ...NO_ZONES, 'aws:cdk:disable-stack-trace': true } });
    const stack = new Stack(app, 'Shop', { env: { account: '123456789012', region: 'eu-west-1' } });
    new ContainerPlatform(stack, 'Platform', { availabilityZones: ['eu-west-1a', 'eu-west-1b'] });
    // WHEN
    const assembly = app.synth();
    // THEN no W3010 is left unacknowledged
    const report = JSON.parse(fs.readFileSync(path.join(assembly.directory, 'validation-report.json'), 'utf8'));
    const ids = (key: string) => (report.pluginReports ?? []).flatMap((r: any) => (r[key] ?? []).map((v: any) => v.ruleName));
    expect(ids('violations').filter((id: string) => id.includes('W3010'))).toEqual([]);
    expect(ids('suppressedViolations').filter((id: string) => id.includes('W3010')).length).toBeGreaterThan(0);
  });
});
