import { Template } from 'aws-cdk-lib/assertions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { ContainerPlatformProps, Routing } from '../../lib';
import { errorOf, newPlatform, templateOf } from '../util';

/** A platform without NAT gateways: what its isolated subnets can reach, and images they cannot pull. */

/** The AWS services of the VPC's interface endpoints, by their short name. */
function interfaceEndpoints(template: Template): string[] {
  return Object.values(template.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Interface' } }))
    .map((e: any) => (e.Properties.ServiceName as string).replace('com.amazonaws.eu-west-1.', '')).sort();
}

describe('natGateways 0: the SQS endpoint', () => {
  test('is added with the first queue worker, whose tasks read their queue through it', () => {
    // GIVEN an isolated platform WHEN two workers are added
    const { stack, platform } = newPlatform({ natGateways: 0 });
    platform.addWorker('Resizer', { container: { image: ecs.ContainerImage.fromEcrRepository(ecr.Repository.fromRepositoryName(stack, 'Images', 'resizer')) } });
    platform.addWorker('Mailer', { container: { image: ecs.ContainerImage.fromEcrRepository(ecr.Repository.fromRepositoryName(stack, 'Mail', 'mailer')) } });
    // THEN one SQS endpoint, with private DNS, in the isolated subnets, beside the others
    const template = templateOf(stack);
    expect(interfaceEndpoints(template)).toEqual(['codedeploy', 'ec2', 'ecr.api', 'ecr.dkr', 'logs', 'secretsmanager', 'sqs', 'ssm']);
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { ServiceName: 'com.amazonaws.eu-west-1.sqs', PrivateDnsEnabled: true });
  });

  test('is not added without a worker (an interface endpoint is billed per hour and AZ)', () => {
    // GIVEN / WHEN
    const { stack } = newPlatform({ natGateways: 0 });
    // THEN
    expect(interfaceEndpoints(templateOf(stack))).not.toContain('sqs');
  });

  test('is not added when the VPC has NAT gateways', () => {
    // GIVEN / WHEN
    const { stack, platform } = newPlatform();
    platform.addWorker('Resizer', { container: { image: ecs.ContainerImage.fromEcrRepository(ecr.Repository.fromRepositoryName(stack, 'Images', 'resizer')) } });
    // THEN
    templateOf(stack).resourceCountIs('AWS::EC2::VPCEndpoint', 0);
  });
});

describe('natGateways 0: images outside Amazon ECR', () => {
  const isolated: ContainerPlatformProps = { natGateways: 0 };

  test('a service\'s image on a public registry is refused with the path, prop, value and fix', () => {
    // GIVEN
    const { platform } = newPlatform(isolated);
    // WHEN
    const message = errorOf(() => platform.addService('Catalog', {
      routing: Routing.path('/catalog/*'),
      container: { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/nginx:1.27') },
    }));
    // THEN
    expect(message).toBe('[Test/Platform/CatalogStack/Catalog] 1 invalid prop:\n'
      + '  - container.image: received "public.ecr.aws/docker/library/nginx:1.27"; allowed: an image in Amazon ECR: with natGateways 0 the tasks\' subnets reach '
      + 'AWS services through VPC endpoints only, and no endpoint reaches another registry. Fix: copy the image into Amazon ECR (an ECR pull through cache rule, '
      + 'such as prefix ecr-public for public.ecr.aws, filled by one pull from outside the VPC; or ecs.ContainerImage.fromAsset) and pass it with '
      + 'ecs.ContainerImage.fromEcrRepository, or give the platform a NAT gateway (natGateways: 1).');
  });

  test.each(['busybox:1.37', 'ghcr.io/acme/worker:2'])('a worker\'s image %s is refused too', (name) => {
    // GIVEN
    const { platform } = newPlatform(isolated);
    // WHEN
    const message = errorOf(() => platform.addWorker('Resizer', { container: { image: ecs.ContainerImage.fromRegistry(name) } }));
    // THEN
    expect(message).toContain(`  - container.image: received ${JSON.stringify(name)}; allowed: an image in Amazon ECR`);
  });

  test('an image of a private ECR registry, such as a pull through cache\'s, is accepted', () => {
    // GIVEN
    const { platform } = newPlatform(isolated);
    // WHEN / THEN
    expect(() => platform.addWorker('Resizer', {
      container: { image: ecs.ContainerImage.fromRegistry('111111111111.dkr.ecr.eu-west-1.amazonaws.com/ecr-public/docker/library/busybox:1.37') },
    })).not.toThrow();
  });

  test('an ECR repository\'s image (a token at synth) is accepted', () => {
    // GIVEN
    const { stack, platform } = newPlatform(isolated);
    // WHEN / THEN
    expect(() => platform.addWorker('Resizer', {
      container: { image: ecs.ContainerImage.fromEcrRepository(ecr.Repository.fromRepositoryName(stack, 'Images', 'resizer'), '1.0') },
    })).not.toThrow();
  });

  test('a public image is accepted when the VPC has NAT gateways', () => {
    // GIVEN
    const { platform } = newPlatform();
    // WHEN / THEN
    expect(() => platform.addWorker('Resizer', { container: { image: ecs.ContainerImage.fromRegistry('busybox:1.37') } })).not.toThrow();
  });
});
